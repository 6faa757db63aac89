//! Runs a future of the in-memory store, which never waits, to completion.

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// The future's output; panics if it is not ready at once (the memory store never waits).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the memory store never waits"),
    }
}
