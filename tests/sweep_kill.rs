//! A real `kill -9` in the middle of a sweep: the test binary re-runs itself as a child process
//! that sweeps slowly, gets SIGKILLed once its journal has some lines, and the sweep is then
//! resumed here; the final files must equal an uninterrupted run byte for byte.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kizuna::sweep::testing::{fake_lookup, fake_run};
use kizuna::sweep::{JOURNAL, Progress, RunOptions, RunOutput, SweepSpec, parse_sweep, run_sweep};

const CHILD_ENV: &str = "KIZUNA_SWEEP_KILL_CHILD_DIR";
const TEST_NAME: &str = "kill_9_mid_sweep_then_resume_gives_identical_bytes";

fn spec() -> SweepSpec {
    let text = "name='kill'\nbase='b.toml'\nreplications=4\nseed=99\ndesign='sobol'\nsamples=31\n\
                [[parameters]]\nkey='parameters.a'\nmin=0\nmax=1\n\
                [[parameters]]\nkey='parameters.b'\nmin=0.1\nmax=10\nscale='log'\n\
                [[metrics]]\nname='fdi'\nindicator='fdi_stock_usd.VNM-JPN'\nat='2030Q4'\n\
                [[metrics]]\nname='rec'\nresilience={shock='crisis',indicator='fdi_stock_usd.VNM-JPN',metric='recovery_quarters'}\n";
    let mut s = parse_sweep(text, "kill.toml", &[]).unwrap();
    s.check_against_base(&fake_lookup).unwrap();
    s
}

fn fast(o: &[(String, toml::Value)], r: u32, s: u64) -> Result<RunOutput, String> {
    Ok(fake_run(o, r, s, 0))
}

fn opts(resume: bool) -> RunOptions {
    RunOptions {
        threads: 2,
        shard: None,
        resume,
        progress: Progress::Quiet,
        formats: Default::default(),
    }
}

fn files(dir: &Path) -> Vec<Vec<u8>> {
    ["runs.csv", "points.csv", "manifest.json"]
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap())
        .collect()
}

#[test]
fn kill_9_mid_sweep_then_resume_gives_identical_bytes() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        // Child: a slow sweep that will be killed.
        let slow = |o: &[(String, toml::Value)], r: u32, s: u64| {
            std::thread::sleep(Duration::from_millis(20));
            fast(o, r, s)
        };
        run_sweep(&spec(), "h", &slow, Path::new(&dir), &opts(false)).unwrap();
        return;
    }
    let spec = spec();
    let reference = tempfile::tempdir().unwrap();
    run_sweep(&spec, "h", &fast, reference.path(), &opts(false)).unwrap();

    let work = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([TEST_NAME, "--exact", "--test-threads=1"])
        .env(CHILD_ENV, work.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let journal = work.path().join(JOURNAL);
    let t0 = Instant::now();
    loop {
        let lines = fs::read_to_string(&journal)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines > 20 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "child made no progress"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "child finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !work.path().join("runs.csv").exists(),
        "the killed sweep must not have finished"
    );
    let done_before = fs::read_to_string(&journal).unwrap().lines().count() - 1;
    assert!(done_before < 124);

    let out = run_sweep(&spec, "h", &fast, work.path(), &opts(true)).unwrap();
    assert_eq!(out.runs_resumed + out.runs_executed, 124);
    assert!(out.runs_resumed >= 20);
    assert_eq!(files(work.path()), files(reference.path()));
}
