//! The API's request bodies on arbitrary JSON: tasks, worker profiles and team requests are
//! parsed and validated; money amounts and currencies are parsed. Errors are fine; panics are
//! not.
#![no_main]

use guild_market::{Amount, Currency};
use guild_matching::{Task, Worker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(task) = serde_json::from_slice::<Task>(data) {
        let _ = task.validate();
    }
    if let Ok(worker) = serde_json::from_slice::<Worker>(data) {
        let _ = worker.validate();
    }
    let _ = serde_json::from_slice::<guild_matching::team::Project>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        // The first three characters as a currency code, the rest as an amount.
        let cut = text.char_indices().nth(3).map_or(text.len(), |(i, _)| i);
        let (code, amount) = text.split_at(cut);
        if let Ok(c) = Currency::parse(code) {
            let _ = Amount::parse(amount, c);
        }
    }
});
