//! The ledger's invariants on both backends: a model-checked property test (random sequences
//! of money operations, each succeeding exactly when the model says the money is there, with
//! replays and reused keys), and concurrent random operations from many threads, after which
//! every currency sums to zero, no escrow or balance is negative, every balance equals its
//! postings, and no money was created or lost.

use guild_ids::{AccountId, ContractId};
use std::collections::HashMap;

use guild_market::{Amount, Currency};
use guild_store::{DatabaseUrl, Store, StoreError};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::harness::{Backend, TestStore};

const FEE_BPS: u32 = 1000;

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn open(store: &TestStore) -> Store {
    Store::open(&DatabaseUrl::parse(&store.url).unwrap()).unwrap()
}

/// One money operation; clients are users 1–3, workers 4–5, contracts 1–3.
#[derive(Debug, Clone)]
enum Op {
    Deposit {
        client: i64,
        minor: i64,
    },
    Fund {
        client: i64,
        contract: i64,
        minor: i64,
    },
    Release {
        contract: i64,
        worker: i64,
        minor: i64,
    },
    Refund {
        contract: i64,
        client: i64,
        minor: i64,
    },
    /// Send operation `n` (counting from 0) again with the same key.
    Replay {
        n: usize,
    },
    /// Reuse the key of operation `n` for a different request.
    Reuse {
        n: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let minor = 1i64..5_000;
    prop_oneof![
        3 => (1i64..=3, minor.clone()).prop_map(|(client, minor)| Op::Deposit { client, minor }),
        3 => (1i64..=3, 1i64..=3, minor.clone()).prop_map(|(client, contract, minor)| Op::Fund { client, contract, minor }),
        2 => (1i64..=3, 4i64..=5, minor.clone()).prop_map(|(contract, worker, minor)| Op::Release { contract, worker, minor }),
        1 => (1i64..=3, 1i64..=3, minor).prop_map(|(contract, client, minor)| Op::Refund { contract, client, minor }),
        1 => (0usize..40).prop_map(|n| Op::Replay { n }),
        1 => (0usize..40).prop_map(|n| Op::Reuse { n }),
    ]
}

#[derive(Default)]
struct Model {
    client: HashMap<i64, i64>,
    escrow: HashMap<i64, i64>,
    worker: HashMap<i64, i64>,
    fees: i64,
    world: i64,
}

/// Sends `op` to the store under `key`.
fn call(
    store: &Store,
    key: &str,
    op: &Op,
) -> Result<(guild_store::StoredTransfer, bool), StoreError> {
    let amount = |m: i64| Amount::new(m, eur()).unwrap();
    match *op {
        Op::Deposit { client, minor } => {
            store
                .ledger()
                .deposit(key, AccountId(client), amount(minor), "deposit")
        }
        Op::Fund {
            client,
            contract,
            minor,
        } => store.ledger().fund_escrow(
            key,
            AccountId(client),
            ContractId(contract),
            amount(minor),
            "fund",
        ),
        Op::Release {
            contract,
            worker,
            minor,
        } => store.ledger().release_escrow(
            key,
            ContractId(contract),
            AccountId(worker),
            amount(minor),
            FEE_BPS,
            "release",
        ),
        Op::Refund {
            contract,
            client,
            minor,
        } => store.ledger().refund_escrow(
            key,
            ContractId(contract),
            AccountId(client),
            amount(minor),
            "refund",
        ),
        Op::Replay { .. } | Op::Reuse { .. } => unreachable!("resolved by the caller"),
    }
}

/// What the model says `op` needs: the account it takes from and how much, if any.
fn needs(model: &Model, op: &Op) -> Option<(i64, i64)> {
    match *op {
        Op::Fund { client, minor, .. } => {
            Some((model.client.get(&client).copied().unwrap_or(0), minor))
        }
        Op::Release {
            contract, minor, ..
        }
        | Op::Refund {
            contract, minor, ..
        } => Some((model.escrow.get(&contract).copied().unwrap_or(0), minor)),
        _ => None,
    }
}

/// Sends `op` as a new request and checks it against the model: it succeeds exactly when the
/// money is there, and then the model moves the same money.
fn apply(store: &Store, model: &mut Model, key: &str, op: &Op) -> bool {
    let r = call(store, key, op);
    match needs(model, op) {
        Some((held, minor)) if held < minor => {
            assert!(
                matches!(r, Err(StoreError::InsufficientFunds { .. })),
                "{op:?} with {held} held: {r:?}"
            );
            false
        }
        _ => {
            let (_, replayed) = r.unwrap_or_else(|e| panic!("{op:?}: {e}"));
            assert!(!replayed);
            model_only(model, op);
            true
        }
    }
}

fn transfers(store: &Store) -> i64 {
    store.ledger().audit_ledger().unwrap().transfers
}

fn run_model(backend: &Backend, ops: &[Op]) {
    let test = TestStore::new(backend);
    let store = open(&test);
    let mut model = Model::default();
    // Each request sent so far: its key, what it asked, whether it went through.
    let mut done: Vec<(String, Op, bool)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match *op {
            Op::Replay { .. } | Op::Reuse { .. } if done.is_empty() => {}
            Op::Replay { n } => {
                let at = n % done.len();
                let (key, earlier, ok) = done[at].clone();
                if ok {
                    // A retry of a request that went through: the same transfer, nothing moves.
                    let before = transfers(&store);
                    let (_, replayed) = call(&store, &key, &earlier).unwrap();
                    assert!(replayed);
                    assert_eq!(transfers(&store), before);
                } else {
                    // Nothing was stored under the key: it is a new request.
                    done[at].2 = apply(&store, &mut model, &key, &earlier);
                }
            }
            Op::Reuse { n } => {
                let at = n % done.len();
                let (key, earlier, ok) = done[at].clone();
                // Amounts of generated operations stay under 5,000: this one differs (also
                // from an earlier reuse of the same key).
                let minor = match earlier {
                    Op::Deposit { minor: 7_777, .. } => 7_778,
                    _ => 7_777,
                };
                let different = Op::Deposit { client: 1, minor };
                if ok {
                    let before = transfers(&store);
                    let r = call(&store, &key, &different);
                    assert!(
                        matches!(r, Err(StoreError::Conflict(ref m)) if m.contains("already used")),
                        "{r:?}"
                    );
                    assert_eq!(transfers(&store), before);
                } else {
                    assert!(apply(&store, &mut model, &key, &different));
                    done[at] = (key, different, true);
                }
            }
            ref other => {
                let key = format!("op-{i}");
                let ok = apply(&store, &mut model, &key, other);
                done.push((key, other.clone(), ok));
            }
        }
        check_balances(&store, &model);
    }
}

fn check_balances(store: &Store, model: &Model) {
    use guild_market::ledger::{Account, AccountKind};
    let bal = |kind, owner| {
        store
            .ledger()
            .balance(&Account::new(kind, owner, eur()).unwrap())
            .unwrap()
    };
    for c in 1..=3 {
        assert_eq!(
            bal(AccountKind::ClientFunds, c),
            model.client.get(&c).copied().unwrap_or(0)
        );
        assert_eq!(
            bal(AccountKind::Escrow, c),
            model.escrow.get(&c).copied().unwrap_or(0)
        );
    }
    for w in 4..=5 {
        assert_eq!(
            bal(AccountKind::WorkerBalance, w),
            model.worker.get(&w).copied().unwrap_or(0)
        );
    }
    assert_eq!(
        store.ledger().balance(&Account::fees(eur())).unwrap(),
        model.fees
    );
    assert_eq!(
        store.ledger().balance(&Account::world(eur())).unwrap(),
        model.world
    );
    let audit = store.ledger().audit_ledger().unwrap();
    assert!(audit.ok(), "{audit:?}");
}

/// Applies an operation that the store accepted to the model.
fn model_only(model: &mut Model, op: &Op) {
    match *op {
        Op::Deposit { client, minor } => {
            *model.client.entry(client).or_default() += minor;
            model.world -= minor;
        }
        Op::Fund {
            client,
            contract,
            minor,
        } => {
            *model.client.entry(client).or_default() -= minor;
            *model.escrow.entry(contract).or_default() += minor;
        }
        Op::Release {
            contract,
            worker,
            minor,
        } => {
            let fee = minor * i64::from(FEE_BPS) / 10_000;
            *model.escrow.entry(contract).or_default() -= minor;
            *model.worker.entry(worker).or_default() += minor - fee;
            model.fees += fee;
        }
        Op::Refund {
            contract,
            client,
            minor,
        } => {
            *model.escrow.entry(contract).or_default() -= minor;
            *model.client.entry(client).or_default() += minor;
        }
        Op::Replay { .. } | Op::Reuse { .. } => {}
    }
}

fn model_property(backend: Backend) {
    let cases = if matches!(backend, Backend::Sqlite) {
        24
    } else {
        8
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..40), |ops| {
            run_model(&backend, &ops);
            Ok(())
        })
        .unwrap();
}

/// Many threads at once, each with its own seeded stream of operations on shared accounts.
fn concurrent_operations(backend: Backend) {
    let test = TestStore::new(&backend);
    let store = std::sync::Arc::new(open(&test));
    const THREADS: u64 = 6;
    const OPS: usize = 120;
    let deposited: i64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let store = store.clone();
                scope.spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(t);
                    let mut deposited = 0;
                    for i in 0..OPS {
                        let key = format!("t{t}-{i}");
                        let minor = rng.random_range(1..3_000i64);
                        let amount = Amount::new(minor, eur()).unwrap();
                        let (a, b) = (rng.random_range(1..=3i64), rng.random_range(1..=3i64));
                        let kind = rng.random_range(0..4u32);
                        let r = match kind {
                            0 => store
                                .ledger()
                                .deposit(&key, AccountId(a), amount, "d")
                                .map(|_| deposited += minor),
                            1 => store
                                .ledger()
                                .fund_escrow(&key, AccountId(a), ContractId(b), amount, "f")
                                .map(drop),
                            2 => store
                                .ledger()
                                .release_escrow(
                                    &key,
                                    ContractId(a),
                                    AccountId(3 + b),
                                    amount,
                                    FEE_BPS,
                                    "r",
                                )
                                .map(drop),
                            _ => store
                                .ledger()
                                .refund_escrow(&key, ContractId(a), AccountId(b), amount, "x")
                                .map(drop),
                        };
                        match r {
                            Ok(())
                            | Err(StoreError::Conflict(_))
                            | Err(StoreError::InsufficientFunds { .. }) => {}
                            Err(e) => panic!("thread {t} op {i}: {e}"),
                        }
                        // Deposits are sometimes sent twice, as a client retrying would: the
                        // second is answered from the first and moves nothing.
                        if kind == 0 && i % 3 == 0 {
                            let (_, replayed) = store
                                .ledger()
                                .deposit(&key, AccountId(a), amount, "d")
                                .unwrap();
                            assert!(replayed);
                        }
                    }
                    deposited
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let audit = store.ledger().audit_ledger().unwrap();
    assert!(audit.ok(), "{audit:?}");
    // No money created or lost: what is inside is exactly what was deposited.
    use guild_market::ledger::Account;
    assert_eq!(
        store.ledger().balance(&Account::world(eur())).unwrap(),
        -deposited
    );
    assert!(audit.transfers > 0);
}

crate::on_both_backends!(model_property, concurrent_operations);
