//! One replication: the step loop in the MODEL.md order, the indicator series, and the
//! counterfactual runs that resilience is measured against.

use super::config::Config;
use super::invariants::InvariantViolation;
use super::record::columns;
use super::resilience::{Resilience, measure};
use super::world::World;
use rayon::prelude::*;

/// What [`Simulation::run_observing`] calls: `(step, world before that step, rows so far)`.
pub type Observer<'o> = dyn FnMut(u32, &World, &[f64]) -> Result<(), InvariantViolation> + 'o;

/// A world plus the configuration it runs.
pub struct Simulation<'a> {
    pub cfg: &'a Config,
    pub world: World,
}

impl<'a> Simulation<'a> {
    pub fn new(cfg: &'a Config, replication: u32) -> Simulation<'a> {
        Simulation {
            cfg,
            world: World::new(cfg, replication),
        }
    }

    /// One quarter. Phases read the state left by the previous phase in a fixed order; every
    /// phase that draws uses its own stream, so the order of entities inside a phase never
    /// changes anybody's random numbers.
    pub fn step(&mut self) {
        let cfg = self.cfg;
        let w = &mut self.world;
        w.exogenous_and_shocks(cfg); // 1 exogenous paths and shocks
        w.donors_and_allocation(cfg); // 2 donor budgets and allocation
        w.recipient_capacity(cfg); // 3 recipient capacity and aid metrics
        w.public_capital(cfg); // 3b aid and domestic investment → public capital
        w.talent_flows(cfg); // 4 talent flows
        w.institutions_and_programmes(cfg); // 5 institutions
        w.firm_entry(cfg); // 6 firm entry and partner search
        w.partnership_outcomes(cfg); // 7 partnership outcomes, 8 trust, friction, experience
        w.production(cfg); // 9 production and supply chain
        w.spillovers(cfg); // 10 spillovers and productivity
        w.exits(cfg); // 11 exits
    }

    /// Runs every quarter, records indicators (phase 12) and checks invariants after each step.
    pub fn run(self) -> Result<Series, InvariantViolation> {
        self.run_with_snapshots(&[]).map(|(series, _)| series)
    }

    /// Like [`Simulation::run`], and also returns a copy of the world as it was just before each
    /// step in `snapshot_steps` (sorted, deduplicated by the caller).
    pub fn run_with_snapshots(
        self,
        snapshot_steps: &[u32],
    ) -> Result<(Series, Vec<World>), InvariantViolation> {
        let mut snapshots = Vec::with_capacity(snapshot_steps.len());
        let series = self.run_observing(snapshot_steps, &mut |_, world, _| {
            snapshots.push(world.clone());
            Ok(())
        })?;
        Ok((series, snapshots))
    }

    /// Like [`Simulation::run`], calling `observe(step, world, rows so far)` just before each
    /// step in `steps_to_observe`; an error from `observe` stops the run.
    pub fn run_observing(
        self,
        steps_to_observe: &[u32],
        observe: &mut Observer<'_>,
    ) -> Result<Series, InvariantViolation> {
        self.run_observing_from(0, &[], steps_to_observe, observe)
    }

    /// Like [`Simulation::run_observing`] for a world saved just before step `from`, with
    /// `prefix` the rows of the steps before it. A step equal to the number of steps in
    /// `steps_to_observe` is observed after the last step.
    pub fn run_observing_from(
        mut self,
        from: u32,
        prefix: &[f64],
        steps_to_observe: &[u32],
        observe: &mut Observer<'_>,
    ) -> Result<Series, InvariantViolation> {
        let columns = columns(self.cfg);
        let steps = self.cfg.steps() as usize;
        let mut values = Vec::with_capacity(steps * columns.len());
        values.extend_from_slice(prefix);
        for step in from as usize..=steps {
            if steps_to_observe.contains(&(step as u32)) {
                observe(step as u32, &self.world, &values)?;
            }
            if step < steps {
                self.advance(step, &columns, &mut values)?;
            }
        }
        Ok(Series {
            columns,
            steps,
            values,
        })
    }

    /// Runs to the end and returns the final world too (for analyses of entity histories).
    pub fn run_keeping_world(mut self) -> Result<(Series, World), InvariantViolation> {
        let columns = columns(self.cfg);
        let steps = self.cfg.steps() as usize;
        let mut values = Vec::with_capacity(steps * columns.len());
        for step in 0..steps {
            self.advance(step, &columns, &mut values)?;
        }
        Ok((
            Series {
                columns,
                steps,
                values,
            },
            self.world,
        ))
    }

    /// Continues from a world saved before step `from` up to (not including) step `until`, with
    /// `prefix` the rows of the steps before `from`.
    pub fn resume(
        mut self,
        from: u32,
        until: u32,
        prefix: &[f64],
    ) -> Result<Series, InvariantViolation> {
        let columns = columns(self.cfg);
        let steps = (until as usize).min(self.cfg.steps() as usize);
        let mut values = Vec::with_capacity(steps * columns.len());
        values.extend_from_slice(prefix);
        for step in from as usize..steps {
            self.advance(step, &columns, &mut values)?;
        }
        Ok(Series {
            columns,
            steps,
            values,
        })
    }

    fn advance(
        &mut self,
        step: usize,
        columns: &[String],
        values: &mut Vec<f64>,
    ) -> Result<(), InvariantViolation> {
        self.world.step = step as u32;
        self.step();
        let start = values.len();
        self.world.record(self.cfg, values);
        self.world
            .check_invariants(self.cfg, columns, &values[start..])
    }
}

/// Indicator values of one run, row-major: `values[step * columns.len() + column]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub columns: Vec<String>,
    pub steps: usize,
    pub values: Vec<f64>,
}

impl Series {
    pub fn row(&self, step: usize) -> &[f64] {
        let n = self.columns.len();
        &self.values[step * n..(step + 1) * n]
    }
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
    pub fn column(&self, index: usize) -> Vec<f64> {
        (0..self.steps)
            .map(|s| self.values[s * self.columns.len() + index])
            .collect()
    }
}

/// Resilience of one indicator to one shock, with both paths for plotting.
#[derive(Debug, Clone, PartialEq)]
pub struct ShockResilience {
    pub shock_index: usize,
    pub column: String,
    pub start_step: u32,
    pub metrics: Resilience,
    pub shocked: Vec<f64>,
    pub counterfactual: Vec<f64>,
}

/// Everything one replication produces.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    pub replication: u32,
    pub series: Series,
    pub resilience: Vec<ShockResilience>,
}

/// Which counterfactual runs (the same replication without one shock) a replication does.
/// Counterfactuals are about half the cost of a replication, so callers that read no resilience
/// (or only that of some shocks) should not pay for the others. The shocked run and the
/// counterfactuals that are run do not depend on the choice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Counterfactuals {
    /// Every shock with `measure_resilience` (what `kizuna run` writes).
    #[default]
    All,
    /// None: the result has no resilience entries.
    None,
    /// Only these shocks (indices into `cfg.shocks`), and only if they have
    /// `measure_resilience` and start inside the horizon.
    Only(Vec<usize>),
}

impl Counterfactuals {
    /// The shocks of `cfg` whose id is in `ids` (unknown ids are ignored: whoever reads the
    /// resilience of an unknown shock reports it).
    pub fn for_shock_ids<S: AsRef<str>>(cfg: &Config, ids: &[S]) -> Counterfactuals {
        Counterfactuals::Only(
            cfg.shocks
                .iter()
                .enumerate()
                .filter(|(_, s)| ids.iter().any(|id| id.as_ref() == s.id))
                .map(|(i, _)| i)
                .collect(),
        )
    }

    pub fn includes(&self, shock_index: usize) -> bool {
        match self {
            Counterfactuals::All => true,
            Counterfactuals::None => false,
            Counterfactuals::Only(list) => list.contains(&shock_index),
        }
    }
}

/// Runs replication `replication` of `cfg` and, for every shock that asks for it, the same
/// replication without that shock (see [`run_replication_with`]).
pub fn run_replication(
    cfg: &Config,
    replication: u32,
) -> Result<ReplicationResult, InvariantViolation> {
    run_replication_with(cfg, replication, &Counterfactuals::All)
}

/// When the counterfactuals of a replication run. Results do not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schedule {
    /// After the shocked run, in parallel with each other (on the current rayon pool): the
    /// fastest for one replication on several threads, but every copy of the world taken before
    /// a shock is kept until the shocked run ends.
    #[default]
    Parallel,
    /// Each one as soon as the shocked run reaches its shock, on the same thread, before the
    /// shocked run goes on: one copy of the world at a time. For callers that already run
    /// replications in parallel (sweeps, `kizuna run` with at least as many replications as
    /// threads).
    Inline,
}

/// Runs replication `replication` of `cfg` and, for every shock that asks for it and that
/// `which` includes, the same replication without that shock (see [`run_replication_scheduled`]),
/// with [`Schedule::Parallel`].
pub fn run_replication_with(
    cfg: &Config,
    replication: u32,
    which: &Counterfactuals,
) -> Result<ReplicationResult, InvariantViolation> {
    run_replication_scheduled(cfg, replication, which, Schedule::Parallel)
}

/// Runs replication `replication` of `cfg` and, for every shock that asks for it and that
/// `which` includes, the same replication without that shock, over `resilience_window_q`
/// quarters from the shock's start (the counterfactual stops at the end of that window, and the
/// paths are kept up to there). A shock changes nothing before its start and every draw is keyed
/// by entity and step, so the counterfactual equals the shocked run until then: it is continued
/// from a copy of the world taken just before the shock's first quarter. `schedule` says when
/// the counterfactuals run; results are in shock order and do not depend on it.
pub fn run_replication_scheduled(
    cfg: &Config,
    replication: u32,
    which: &Counterfactuals,
    schedule: Schedule,
) -> Result<ReplicationResult, InvariantViolation> {
    run_replication_resumable(cfg, replication, which, schedule, None, None).map(|(r, _)| r)
}

/// The state of one replication just before step `step`: enough to continue it exactly as if
/// it had not stopped, under the same configuration or one that differs only from `step` on.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub replication: u32,
    /// The next step to simulate.
    pub step: u32,
    pub world: World,
    pub columns: Vec<String>,
    /// Indicator rows of steps `0..step`, row-major as in [`Series`].
    pub rows: Vec<f64>,
    /// `(s, world just before step s)` for every step `s < step` at which a shock with
    /// `measure_resilience` starts: the counterfactuals of those shocks continue from there.
    pub before_shocks: Vec<(u32, World)>,
}

impl Checkpoint {
    fn before_shock(&self, step: u32) -> Option<&World> {
        self.before_shocks
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, w)| w)
    }
}

/// Like [`run_replication_scheduled`], continuing from `from` (a checkpoint of this
/// replication) instead of the first quarter if given, and returning a checkpoint taken just
/// before step `save_at` (which may equal the number of steps: after the last one) if asked.
/// A run continued from a checkpoint of the same configuration gives the same result as the
/// uninterrupted run; so does a configuration that differs only from the checkpoint's step on
/// (shocks, programmes, events that start later), compared with its own uninterrupted run.
pub fn run_replication_resumable(
    cfg: &Config,
    replication: u32,
    which: &Counterfactuals,
    schedule: Schedule,
    from: Option<&Checkpoint>,
    save_at: Option<u32>,
) -> Result<(ReplicationResult, Option<Checkpoint>), InvariantViolation> {
    let start_step = from.map_or(0, |c| c.step);
    let measured: Vec<(usize, u32)> = cfg
        .shocks
        .iter()
        .enumerate()
        .filter(|(i, s)| s.measure_resilience && which.includes(*i))
        .filter_map(|(i, s)| cfg.step_of(s.start).map(|step| (i, step)))
        .collect();
    // Steps whose world a checkpoint keeps for its counterfactuals: every measured shock's
    // start between here and the save point, whatever `which` says.
    let kept_for_save: Vec<u32> = match save_at {
        Some(save) => cfg
            .shocks
            .iter()
            .filter(|s| s.measure_resilience)
            .filter_map(|s| cfg.step_of(s.start))
            .filter(|&step| step >= start_step && step < save)
            .collect(),
        None => Vec::new(),
    };
    let mut observed_steps: Vec<u32> = measured
        .iter()
        .map(|&(_, step)| step)
        .filter(|&step| step >= start_step)
        .chain(kept_for_save.iter().copied())
        .chain(save_at)
        .collect();
    observed_steps.sort_unstable();
    observed_steps.dedup();
    let n_columns = columns(cfg).len();
    let counterfactual = |i: usize, start: u32, world: Option<World>, prefix: &[f64]| {
        let cf_cfg = cfg.without_shock(i);
        let until = start + cfg.resilience_window_q;
        match world {
            Some(world) => Simulation {
                cfg: &cf_cfg,
                world,
            }
            .resume(start, until, prefix),
            // No copy of the world before the shock: the counterfactual from the first quarter
            // is the same run, only slower.
            None => Simulation::new(&cf_cfg, replication).resume(0, until, &[]),
        }
    };
    // Counterfactuals of shocks that started before the checkpoint continue from its copies.
    let from_checkpoint = |i: usize, start: u32| {
        let c = from.expect("only shocks before a checkpoint's step");
        let prefix = &c.rows[..start as usize * n_columns];
        counterfactual(i, start, c.before_shock(start).cloned(), prefix)
    };
    let mut saved_before: Vec<(u32, World)> = from
        .map(|c| {
            c.before_shocks
                .iter()
                .filter(|(s, _)| save_at.is_some_and(|save| *s < save))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut saved: Option<(World, Vec<f64>)> = None;
    let mut keep = |step: u32, world: &World, prefix: &[f64]| {
        if kept_for_save.contains(&step) {
            saved_before.push((step, world.clone()));
        }
        if save_at == Some(step) {
            saved = Some((world.clone(), prefix.to_vec()));
        }
    };
    let simulation = match from {
        Some(c) => Simulation {
            cfg,
            world: c.world.clone(),
        },
        None => Simulation::new(cfg, replication),
    };
    let prefix: &[f64] = from.map_or(&[], |c| &c.rows);
    let (series, counterfactuals) = match schedule {
        Schedule::Inline => {
            let mut done: Vec<Option<Series>> = vec![None; measured.len()];
            for (n, &(i, start)) in measured.iter().enumerate() {
                if start < start_step {
                    done[n] = Some(from_checkpoint(i, start)?);
                }
            }
            let series = simulation.run_observing_from(
                start_step,
                prefix,
                &observed_steps,
                &mut |step, world, prefix| {
                    keep(step, world, prefix);
                    for (n, &(i, start)) in measured.iter().enumerate() {
                        if start == step {
                            done[n] = Some(counterfactual(i, start, Some(world.clone()), prefix)?);
                        }
                    }
                    Ok(())
                },
            )?;
            let counterfactuals: Vec<Result<Series, InvariantViolation>> = done
                .into_iter()
                .map(|cf| Ok(cf.expect("every measured shock starts inside the horizon")))
                .collect();
            (series, counterfactuals)
        }
        Schedule::Parallel => {
            let mut snapshots: Vec<(u32, World)> = Vec::new();
            let series = simulation.run_observing_from(
                start_step,
                prefix,
                &observed_steps,
                &mut |step, world, prefix| {
                    keep(step, world, prefix);
                    if measured.iter().any(|&(_, start)| start == step) {
                        snapshots.push((step, world.clone()));
                    }
                    Ok(())
                },
            )?;
            // One starting world per counterfactual: the last user of a snapshot takes it.
            let mut snapshots: Vec<(u32, Option<World>)> =
                snapshots.into_iter().map(|(s, w)| (s, Some(w))).collect();
            let mut jobs: Vec<(usize, u32, Option<World>)> = Vec::with_capacity(measured.len());
            for (n, &(i, start)) in measured.iter().enumerate() {
                if start < start_step {
                    jobs.push((i, start, None));
                    continue;
                }
                let shared_later = measured[n + 1..].iter().any(|&(_, s)| s == start);
                let world = snapshots
                    .iter_mut()
                    .find(|(s, _)| *s == start)
                    .and_then(|(_, w)| if shared_later { w.clone() } else { w.take() });
                jobs.push((i, start, world));
            }
            drop(snapshots);
            let counterfactuals = jobs
                .into_par_iter()
                .map(|(i, start, world)| {
                    if start < start_step {
                        return from_checkpoint(i, start);
                    }
                    let prefix = &series.values[..start as usize * series.columns.len()];
                    counterfactual(i, start, world, prefix)
                })
                .collect();
            (series, counterfactuals)
        }
    };
    let mut resilience = Vec::new();
    for (&(i, start), cf) in measured.iter().zip(counterfactuals) {
        let cf = cf?;
        for column in &cfg.resilience_columns {
            let Some(c) = series.column_index(column) else {
                continue;
            };
            let counterfactual = cf.column(c);
            let mut shocked = series.column(c);
            shocked.truncate(counterfactual.len());
            resilience.push(ShockResilience {
                shock_index: i,
                column: column.clone(),
                start_step: start,
                metrics: measure(&shocked, &counterfactual, start as usize),
                shocked,
                counterfactual,
            });
        }
    }
    let checkpoint = saved.map(|(world, rows)| Checkpoint {
        replication,
        step: save_at.expect("saved only at the save step"),
        world,
        columns: series.columns.clone(),
        rows,
        before_shocks: saved_before,
    });
    Ok((
        ReplicationResult {
            replication,
            series,
            resilience,
        },
        checkpoint,
    ))
}
