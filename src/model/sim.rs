//! One replication: the step loop in the MODEL.md order, the indicator series, and the
//! counterfactual runs that resilience is measured against.

use super::config::Config;
use super::invariants::InvariantViolation;
use super::record::columns;
use super::resilience::{Resilience, measure};
use super::world::World;

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
        w.talent_flows(cfg); // 4 talent flows
        w.institutions_and_programmes(cfg); // 5 institutions
        w.firm_entry(cfg); // 6 firm entry and partner search
        w.partnership_outcomes(cfg); // 7 partnership outcomes, 8 trust, friction, experience
        w.production(cfg); // 9 production and supply chain
        w.spillovers(cfg); // 10 spillovers and productivity
        w.exits(cfg); // 11 exits
    }

    /// Runs every quarter, records indicators (phase 12) and checks invariants after each step.
    pub fn run(mut self) -> Result<Series, InvariantViolation> {
        let columns = columns(self.cfg);
        let steps = self.cfg.steps() as usize;
        let mut values = Vec::with_capacity(steps * columns.len());
        for step in 0..steps {
            self.world.step = step as u32;
            self.step();
            let start = values.len();
            self.world.record(&mut values);
            self.world
                .check_invariants(self.cfg, &columns, &values[start..])?;
        }
        Ok(Series {
            columns,
            steps,
            values,
        })
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

/// Runs replication `replication` of `cfg` and, for every shock that asks for it, the same
/// replication without that shock.
pub fn run_replication(
    cfg: &Config,
    replication: u32,
) -> Result<ReplicationResult, InvariantViolation> {
    let series = Simulation::new(cfg, replication).run()?;
    let mut resilience = Vec::new();
    for (i, shock) in cfg.shocks.iter().enumerate() {
        if !shock.measure_resilience {
            continue;
        }
        let Some(start) = cfg.step_of(shock.start) else {
            continue;
        };
        let cf_cfg = cfg.without_shock(i);
        let cf = Simulation::new(&cf_cfg, replication).run()?;
        for column in &cfg.resilience_columns {
            let Some(c) = series.column_index(column) else {
                continue;
            };
            let shocked = series.column(c);
            let counterfactual = cf.column(c);
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
    Ok(ReplicationResult {
        replication,
        series,
        resilience,
    })
}
