//! A deterministic single-threaded executor with fake time: the engine's [`Scheduler`]
//! and [`Clock`] in native tests. Tasks run when the test says so ([`Runtime::run`]);
//! waits end only when the test moves the clock ([`Runtime::advance`]). Nothing sleeps.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use diagram_state::core::clock::{Clock, Millis};
use diagram_state::core::session::{Scheduler, Task};

/// Tasks, waits and the time.
#[derive(Default)]
pub struct Runtime {
    now: Rc<Cell<Millis>>,
    ready: RefCell<VecDeque<Task>>,
    waiting: RefCell<Vec<Task>>,
    /// The waits asked for, in milliseconds, oldest first.
    sleeps: RefCell<Vec<u32>>,
}

impl Runtime {
    pub fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    /// Polls every task that can progress until none can (the memory store never waits:
    /// only the engine's waits stay pending).
    pub fn run(&self) {
        loop {
            let next = self.ready.borrow_mut().pop_front();
            let Some(mut task) = next else { return };
            if task
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_pending()
            {
                self.waiting.borrow_mut().push(task);
            }
        }
    }

    /// Moves the clock `ms` on, and runs what that wakes.
    pub fn advance(&self, ms: Millis) {
        self.now.set(self.now.get() + ms);
        let waiting: Vec<Task> = self.waiting.borrow_mut().drain(..).collect();
        self.ready.borrow_mut().extend(waiting);
        self.run();
    }

    /// The waits asked for so far, in milliseconds.
    pub fn sleeps(&self) -> Vec<u32> {
        self.sleeps.borrow().clone()
    }

    /// How many tasks wait for the clock.
    pub fn waiting(&self) -> usize {
        self.waiting.borrow().len()
    }
}

impl Scheduler for Runtime {
    fn spawn(&self, task: Task) {
        self.ready.borrow_mut().push_back(task);
    }

    fn sleep(&self, ms: u32) -> Task {
        self.sleeps.borrow_mut().push(ms);
        Box::pin(Sleep {
            now: Rc::clone(&self.now),
            until: self.now.get() + Millis::from(ms),
        })
    }
}

impl Clock for Runtime {
    fn now(&self) -> Millis {
        self.now.get()
    }
}

/// A wait until the fake clock reaches `until`.
struct Sleep {
    now: Rc<Cell<Millis>>,
    until: Millis,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.now.get() >= self.until {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Runtime {
    /// Queues a task (as the engine's `spawn` does).
    pub fn spawn_task(&self, task: impl Future<Output = ()> + 'static) {
        Scheduler::spawn(self, Box::pin(task));
    }
}
