//! The step loop does not allocate after the first step: every growing `Vec` is reserved when
//! the world is built. Pinned with a counting allocator that counts this thread's allocations.

mod common;

use kizuna::model::Simulation;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNTING.try_with(|c| {
            if c.get() {
                let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
            }
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = COUNTING.try_with(|c| {
            if c.get() {
                let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
            }
        });
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Shocks, a donor, talent and programmes so that every phase has work to do.
fn busy_world() -> kizuna::model::Config {
    common::small_world(
        r#"
[[donors]]
code = "AGENCY"
home = "HOME"
budget_usd_per_year = 10.0e9
other_recipients_weight = 20.0
loan_share = 0.8
[[donors.recipients]]
country = "HOST"
[[talent_rules]]
destination = "HOME"
programme = "technical_intern"
[[talent_rules.regimes]]
from = "2000Q1"
max_stay_quarters = 12
language_prep_quarters = 1
[[talent_rules]]
destination = "HOME"
programme = "specified_skilled_worker"
[[talent_rules.regimes]]
from = "2004Q1"
max_stay_quarters = 20
employer_mobility = 1.0
[[talent_rules]]
destination = "HOME"
programme = "student"
[[talent_rules.regimes]]
from = "2000Q1"
max_stay_quarters = 10
[[talent_rules]]
destination = "HOME"
programme = "engineer"
[[talent_rules.regimes]]
from = "2000Q1"
[[talent]]
code = "interns"
pair = "HOST-HOME"
programme = "technical_intern"
fee_usd = 2000
[[talent]]
code = "ssw"
pair = "HOST-HOME"
programme = "specified_skilled_worker"
fee_usd = 2000
[[programmes]]
code = "cocreation"
lever = "cooperation_mode"
pair = "HOST-HOME"
dose = 1.0
start = "2003Q1"
[[institutions]]
code = "university"
kind = "joint_university"
pair = "HOST-HOME"
opens = "2002Q1"
graduates_per_quarter = 100
[[shocks]]
id = "disruption"
kind = "supply_chain_disruption"
target = { country = "HOST" }
start = "2005Q1"
intensity = 0.5
affected_share = 0.3
[[shocks]]
id = "scandal"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2006Q1"
"#,
        &[],
    )
}

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(|a| a.replace(0))
}

#[test]
fn steps_after_the_first_do_not_allocate() {
    let cfg = busy_world();
    // The counter sees this thread's allocations (so the assertion below can fail).
    COUNTING.with(|c| c.set(true));
    drop(std::hint::black_box(Vec::<u64>::with_capacity(16)));
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCATIONS.with(|a| a.replace(0)), 1);
    let mut sim = Simulation::new(&cfg, 0);
    sim.world.step = 0;
    sim.step();
    COUNTING.with(|c| c.set(true));
    for step in 1..cfg.steps() {
        sim.world.step = step;
        sim.step();
    }
    COUNTING.with(|c| c.set(false));
    let allocations = ALLOCATIONS.with(|a| a.get());
    assert!(sim.world.partnerships.len() > 1000, "the world did grow");
    assert_eq!(allocations, 0, "allocations in steps 1..{}", cfg.steps());
}

#[test]
fn a_counterfactual_copy_does_not_allocate_in_its_steps() {
    // As in `run_replication`: a copy of the world just before a shock's first quarter runs on
    // without that shock. `Vec::clone` keeps the length but not the reserved capacity, so the
    // copy's columns must be cloned with their capacity (`World: Clone` does that).
    let cfg = busy_world();
    assert_eq!(
        allocations_in(|| drop(std::hint::black_box(vec![1u8; 4]))),
        1
    );
    let shock = cfg
        .shocks
        .iter()
        .position(|s| s.id == "disruption")
        .unwrap();
    let start = cfg.step_of(cfg.shocks[shock].start).unwrap();
    let mut sim = Simulation::new(&cfg, 0);
    for step in 0..start {
        sim.world.step = step;
        sim.step();
    }
    let copy = sim.world.clone();
    assert_eq!(
        copy.firms.capital_usd.capacity(),
        sim.world.firms.capital_usd.capacity()
    );
    let cf_cfg = cfg.without_shock(shock);
    let mut cf = Simulation {
        cfg: &cf_cfg,
        world: copy,
    };
    let allocations = allocations_in(|| {
        for step in start..cfg.steps() {
            cf.world.step = step;
            cf.step();
        }
    });
    assert!(
        cf.world.partnerships.len() > sim.world.partnerships.len() + 100,
        "the copy did grow"
    );
    assert_eq!(
        allocations,
        0,
        "allocations in the counterfactual's steps {start}..{}",
        cfg.steps()
    );
}
