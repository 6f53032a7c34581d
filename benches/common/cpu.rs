//! CPU time of this thread or process (Linux `clock_gettime`), so that figures measured while
//! other jobs share the machine are not inflated by waiting for a core.

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

fn seconds(clock: i32) -> f64 {
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the call only writes into it.
    let rc = unsafe { clock_gettime(clock, &mut t) };
    if rc != 0 {
        return 0.0;
    }
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// CPU seconds used by the calling thread.
#[allow(dead_code)]
pub fn thread_cpu() -> f64 {
    seconds(3) // CLOCK_THREAD_CPUTIME_ID
}

/// CPU seconds used by all threads of the process.
#[allow(dead_code)]
pub fn process_cpu() -> f64 {
    seconds(2) // CLOCK_PROCESS_CPUTIME_ID
}
