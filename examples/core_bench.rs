//! Native benchmark of the pure core (not a test: it asserts nothing, it prints figures).
//!
//! ```sh
//! cargo run --release --example core_bench
//! ```
//!
//! Each timed figure is the median of several runs on fresh data. Event JSON is built
//! before the clock starts; what is timed is what the core does with it: diff, filter,
//! apply to the diagram, record (or undo/redo), and dropping the returned outcome.
//!
//! Bytes per history entry are measured, not estimated from types: a counting global
//! allocator tracks live heap bytes; N entries are recorded (each event built and its
//! outcome dropped inside the measured region) and the growth in live bytes is divided
//! by N. It therefore includes the entry, its changes, their strings and leaf values, and
//! the undo stack's share of spare capacity; it excludes anything freed again.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use diagram_state::core::filter::VisualFilter;
use diagram_state::core::history::{HistoryConfig, Origin};
use diagram_state::core::model::CellEvent;
use diagram_state::core::state::DiagramState;
use serde_json::{json, Value};

/// Counts live heap bytes while [`COUNTING`] is on (off during timings, so they pay
/// only for one relaxed load per allocation).
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

fn count(bytes: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE_BYTES.fetch_add(bytes, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Live heap bytes allocated while running `work` and not freed by its end.
fn retained_bytes(work: impl FnOnce()) -> isize {
    LIVE_BYTES.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    work();
    COUNTING.store(false, Ordering::Relaxed);
    LIVE_BYTES.load(Ordering::Relaxed)
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const RUNS: usize = 5;
const NODES: usize = 1_000;
const SINGLE_PATH_CHANGES: usize = 10_000;

fn node(index: usize) -> Value {
    json!({
        "id": format!("node-{index}"),
        "shape": "rect",
        "position": { "x": index, "y": 2 * index },
        "size": { "width": 120, "height": 60 },
        "attrs": {
            "body": { "fill": "#ffffff", "stroke": "#333333", "strokeWidth": 1, "rx": 4 },
            "text": { "text": format!("Process {index}"), "fontSize": 12, "fill": "#000000" }
        },
        "ports": { "items": [
            { "id": "p1", "group": "top", "attrs": { "circle": { "style": { "visibility": "hidden" } } } },
            { "id": "p2", "group": "right" }, { "id": "p3", "group": "bottom" }, { "id": "p4", "group": "left" }
        ] },
        "zIndex": 1,
        "data": { "type": "process", "name": format!("P{index}") }
    })
}

fn state_with_nodes(max_entries: usize) -> DiagramState {
    let config = HistoryConfig {
        max_entries,
        ..HistoryConfig::default()
    };
    let mut state = DiagramState::with_settings(|| 0.0, VisualFilter::default(), config);
    // The generated cells are well formed; a failure here is a bug in this benchmark.
    state
        .load((0..NODES).map(node).collect(), 1)
        .expect("benchmark cells load");
    state
}

/// A node drag step: `position` changes, only `x` differs (one leaf path).
fn move_event(index: usize, step: usize) -> CellEvent {
    let node_index = index % NODES;
    let y = 2 * node_index;
    let x_before = node_index + step;
    CellEvent::Changed {
        id: format!("node-{node_index}"),
        key: "position".into(),
        previous: Some(json!({ "x": x_before, "y": y })),
        current: Some(json!({ "x": x_before + 1, "y": y })),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn classifications_per_second() -> f64 {
    let filter = VisualFilter::default();
    let paths = [
        "position/x",
        "position/y",
        "size/width",
        "attrs/body/fill",
        "attrs/text/text",
        "attrs/body/stroke",
        "attrs/body/filter",
        "attrs/line/targetMarker/name",
        "ports/items/3/attrs/circle/style/visibility",
        "ports/items/3/group",
        "tools/items",
        "vertices/2/x",
        "data/name",
        "zIndex",
    ];
    let rounds = 2_000_000;
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut visual = 0usize;
        for _ in 0..rounds {
            for path in &paths {
                visual += usize::from(filter.classify_path(black_box(path)).is_some());
            }
        }
        black_box(visual);
        samples.push(start.elapsed());
    }
    (rounds * paths.len()) as f64 / median(samples).as_secs_f64()
}

/// Record, undo and redo of 10,000 single-path changes on a 1,000-node diagram.
fn single_path_changes() -> (Duration, Duration, Duration) {
    let (mut record, mut undo, mut redo) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let mut state = state_with_nodes(SINGLE_PATH_CHANGES);
        let events: Vec<CellEvent> = (0..SINGLE_PATH_CHANGES)
            .map(|i| move_event(i, i / NODES))
            .collect();

        let start = Instant::now();
        for event in events {
            black_box(state.handle_event(event, Origin::Local, None).ok());
        }
        record.push(start.elapsed());
        assert_eq!(state.history_state().undo_size, SINGLE_PATH_CHANGES);

        let start = Instant::now();
        for _ in 0..SINGLE_PATH_CHANGES {
            black_box(state.undo().ok());
        }
        undo.push(start.elapsed());

        let start = Instant::now();
        for _ in 0..SINGLE_PATH_CHANGES {
            black_box(state.redo().ok());
        }
        redo.push(start.elapsed());
        assert_eq!(state.history_state().redo_size, 0);
    }
    (median(record), median(undo), median(redo))
}

/// Record and undo of one batch deleting 1,000 cells.
fn delete_batch() -> (Duration, Duration) {
    let (mut record, mut undo) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let mut state = state_with_nodes(100);
        let events: Vec<CellEvent> = (0..NODES)
            .map(|i| CellEvent::Removed {
                id: format!("node-{i}"),
            })
            .collect();

        let start = Instant::now();
        state.begin_batch();
        for event in events {
            black_box(state.handle_event(event, Origin::Local, None).ok());
        }
        black_box(state.end_batch().ok());
        record.push(start.elapsed());
        assert!(state.diagram().is_empty());

        let start = Instant::now();
        black_box(state.undo().ok());
        undo.push(start.elapsed());
        assert_eq!(state.diagram().len(), NODES);
    }
    (median(record), median(undo))
}

/// Live heap bytes the history grows by per recorded entry (see the module doc), over
/// 1,000 entries each on another node.
fn bytes_per_entry(make_event: impl Fn(usize) -> CellEvent) -> f64 {
    bytes_per_entry_of(1_000, make_event)
}

/// Live heap bytes the history grows by per recorded entry, over `entries` entries.
fn bytes_per_entry_of(entries: usize, make_event: impl Fn(usize) -> CellEvent) -> f64 {
    let mut state = state_with_nodes(entries);
    let grown = retained_bytes(|| {
        for i in 0..entries {
            drop(state.handle_event(make_event(i), Origin::Local, None));
        }
    });
    assert_eq!(state.history_state().undo_size, entries);
    grown as f64 / entries as f64
}

fn rename_event(index: usize) -> CellEvent {
    let mut previous = node(index)["attrs"].clone();
    let mut current = previous.clone();
    current["text"]["text"] = json!(format!("Renamed process {index}"));
    previous["text"]["fontSize"] = json!(12);
    CellEvent::Changed {
        id: format!("node-{index}"),
        key: "attrs".into(),
        previous: Some(previous),
        current: Some(current),
    }
}

/// The browser benchmark's label edit: edit `index` sets node `index % NODES`'s label to
/// `Label <index>` (its previous label is the one edit `index - NODES` set).
fn label_event(index: usize) -> CellEvent {
    let node_index = index % NODES;
    let label = |edit: usize| json!({ "text": { "text": format!("Label {edit}") } });
    let previous = match index.checked_sub(NODES) {
        Some(earlier) => label(earlier),
        None => json!({ "text": { "text": format!("Process {node_index}") } }),
    };
    CellEvent::Changed {
        id: format!("node-{node_index}"),
        key: "attrs".into(),
        previous: Some(previous),
        current: Some(label(index)),
    }
}

fn main() {
    let classifications = classifications_per_second();
    let (record, undo, redo) = single_path_changes();
    let (delete_record, delete_undo) = delete_batch();
    let move_bytes = bytes_per_entry(|i| move_event(i, 0));
    let rename_bytes = bytes_per_entry(rename_event);
    let label_bytes = bytes_per_entry_of(SINGLE_PATH_CHANGES, label_event);
    let delete_bytes = bytes_per_entry(|i| CellEvent::Removed {
        id: format!("node-{i}"),
    });
    let mut cells = Vec::new();
    let cell_bytes =
        retained_bytes(|| cells = (0..100).map(node).collect::<Vec<Value>>()) as f64 / 100.0;
    drop(cells);

    println!("diagram-state core benchmark (median of {RUNS} runs; {NODES}-node diagram)");
    println!();
    println!(
        "| measure                                         | result          | target        |"
    );
    println!(
        "|-------------------------------------------------|-----------------|---------------|"
    );
    println!(
        "| classifications per second (14-path mix)        | {:>11.1} M/s | >= 20 M/s     |",
        classifications / 1e6
    );
    println!(
        "| record 10,000 single-path changes               | {:>12.2} ms | <= 10 ms      |",
        millis(record)
    );
    println!(
        "| undo 10,000 single-path changes                 | {:>12.2} ms | <= 10 ms      |",
        millis(undo)
    );
    println!(
        "| redo 10,000 single-path changes                 | {:>12.2} ms | <= 10 ms      |",
        millis(redo)
    );
    println!(
        "| record a 1,000-cell delete batch                | {:>12.2} ms | <= 2 ms       |",
        millis(delete_record)
    );
    println!(
        "| undo a 1,000-cell delete batch                  | {:>12.2} ms | <= 2 ms       |",
        millis(delete_undo)
    );
    println!("| history bytes per entry: node move (1 path)     | {move_bytes:>14.0} B | ~ paths, not cell |");
    println!("| history bytes per entry: rename (1 string path) | {rename_bytes:>14.0} B | ~ paths, not cell |");
    println!("| history bytes per entry: 10k label edits, 1k nodes | {label_bytes:>11.0} B | the browser bench's |");
    println!("| history bytes per entry: node delete            | {delete_bytes:>14.0} B | cell shared   |");
    println!("| (for scale: heap bytes of one node's JSON)      | {cell_bytes:>14.0} B |               |");
}
