//! The rules of a contract, fixed-price with milestones or hourly in funded weeks: who may do
//! what, in which state, and what money moves. A pure state machine: the store applies its answer and the ledger
//! transfer in one transaction, so an action out of order (approving an unfunded milestone)
//! changes nothing.
//!
//! A contract is proposed by the client, accepted (or declined) by the worker, then each
//! milestone is funded (client funds → escrow), submitted by the worker, and approved (escrow
//! → the worker, less the fee) or sent back with changes requested. A submitted milestone the
//! client does not review by its deadline is approved automatically. The client may cancel:
//! funded milestones not yet submitted are refunded; submitted work cannot be taken back by
//! cancelling, only by a dispute, which a platform admin decides by splitting the escrow.
//!
//! An hourly contract has the same steps, with a week for a milestone: the client funds a week
//! at the rate times the weekly cap, the worker submits the week's timesheet, and approval pays
//! the hours logged (see [`crate::timesheet`]) and refunds the rest. Its weeks go on until
//! either party ends it, which needs no week in escrow.

use serde::{Deserialize, Serialize};

use crate::MarketError;

/// The most milestones a contract has.
pub const MAX_MILESTONES: usize = 50;

/// The longest message the parties of a contract send each other.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// Attachments per message.
pub const MAX_ATTACHMENTS: usize = 5;

/// The state of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    /// Offered to the worker.
    Proposed,
    /// The worker declined.
    Declined,
    /// Accepted: milestones can be funded and worked.
    Active,
    /// A dispute waits for a platform admin.
    Disputed,
    /// Every milestone approved.
    Completed,
    /// Cancelled by the client (or ended by a dispute's decision).
    Cancelled,
}

/// The state of a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    /// No money in escrow yet.
    Unfunded,
    /// Its amount is in escrow.
    Funded,
    /// The worker delivered; the client reviews.
    Submitted,
    /// The client asked for changes; the worker submits again.
    ChangesRequested,
    /// Paid to the worker.
    Approved,
    /// Escrow returned to the client.
    Refunded,
    /// Split by a dispute's decision.
    Settled,
}

macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The name in the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            /// Reads a name written by `as_str`.
            pub fn parse(s: &str) -> Result<Self, MarketError> {
                match s {
                    $($s => Ok(Self::$v),)*
                    other => Err(MarketError::Invalid(format!("unknown state {other:?}"))),
                }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names!(ContractStatus { Proposed => "proposed", Declined => "declined", Active => "active", Disputed => "disputed", Completed => "completed", Cancelled => "cancelled" });
names!(MilestoneStatus { Unfunded => "unfunded", Funded => "funded", Submitted => "submitted", ChangesRequested => "changes_requested", Approved => "approved", Refunded => "refunded", Settled => "settled" });

/// How a contract is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    /// A price per milestone; done when every milestone is.
    Fixed,
    /// A rate per hour with a weekly cap; weeks are added until either party ends it.
    Hourly,
}

names!(ContractKind { Fixed => "fixed", Hourly => "hourly" });

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The client who pays.
    Client,
    /// The worker who delivers.
    Worker,
    /// A platform admin (disputes).
    Admin,
    /// Guild itself (automatic approval after the review deadline).
    System,
}

/// What a party asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The worker accepts the proposal.
    Accept,
    /// The worker declines it.
    Decline,
    /// The client funds a milestone.
    Fund,
    /// The worker submits a milestone's work.
    Submit,
    /// The client approves it.
    Approve,
    /// The client asks for changes.
    RequestChanges,
    /// Approval after the review deadline passed.
    AutoApprove,
    /// A training milestone's learner passed its skill test: approved (Guild acts).
    TestPassed,
    /// The client cancels the contract.
    Cancel,
    /// Either party opens a dispute.
    Dispute,
    /// A platform admin decides a dispute: `worker_minor` of each disputed milestone's escrow
    /// to the worker (less the fee), the rest back to the client.
    Resolve,
    /// Either party ends an hourly contract that has no week in escrow.
    End,
}

/// What money an action moves, for one milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Nothing.
    None,
    /// Client funds → escrow, the milestone's amount.
    Fund,
    /// Escrow → worker (less fee), the milestone's amount.
    Release,
    /// Escrow → client funds, the milestone's amount.
    Refund,
}

/// The effect of an action on one milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneEffect {
    /// The milestone's index.
    pub index: usize,
    /// Its new state.
    pub status: MilestoneStatus,
    /// The money that moves.
    pub flow: Flow,
}

/// The effect of an action: the contract's new state and each milestone changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// The contract's new state.
    pub contract: ContractStatus,
    /// The milestones changed, with their money.
    pub milestones: Vec<MilestoneEffect>,
}

fn refuse(msg: impl Into<String>) -> MarketError {
    MarketError::Invalid(msg.into())
}

fn who(p: Party) -> &'static str {
    match p {
        Party::Client => "the client",
        Party::Worker => "the worker",
        Party::Admin => "a platform admin",
        Party::System => "Guild",
    }
}

/// Decides `action` by `party` on a fixed-price contract: see [`decide_for`].
pub fn decide(
    contract: ContractStatus,
    milestones: &[MilestoneStatus],
    action: Action,
    party: Party,
    milestone: Option<usize>,
) -> Result<Effect, MarketError> {
    decide_for(
        ContractKind::Fixed,
        contract,
        milestones,
        action,
        party,
        milestone,
    )
}

/// Decides `action` by `party` on a contract of `kind` in `contract` state with milestones
/// (weeks, for an hourly contract) in `milestones` states; `milestone` names the one acted on
/// (fund, submit, approve, request changes, auto-approve). Refusals say what state things are
/// in and what would be allowed.
pub fn decide_for(
    kind: ContractKind,
    contract: ContractStatus,
    milestones: &[MilestoneStatus],
    action: Action,
    party: Party,
    milestone: Option<usize>,
) -> Result<Effect, MarketError> {
    use Action as A;
    use ContractStatus as C;
    use MilestoneStatus as M;
    let allowed = |who_may: &[Party]| -> Result<(), MarketError> {
        if who_may.contains(&party) {
            Ok(())
        } else {
            Err(refuse(format!(
                "{} cannot {action:?} (only {})",
                who(party),
                who_may
                    .iter()
                    .map(|p| who(*p))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )))
        }
    };
    let one = |wanted: &[M]| -> Result<usize, MarketError> {
        let i = milestone.ok_or_else(|| refuse("name the milestone"))?;
        let s = *milestones
            .get(i)
            .ok_or_else(|| refuse(format!("the contract has no milestone {}", i + 1)))?;
        if wanted.contains(&s) {
            Ok(i)
        } else {
            Err(refuse(format!(
                "milestone {} is {}; {action:?} needs it {}",
                i + 1,
                s.as_str(),
                wanted
                    .iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )))
        }
    };
    let in_state = |wanted: C| -> Result<(), MarketError> {
        if contract == wanted {
            Ok(())
        } else {
            Err(refuse(format!(
                "the contract is {}; {action:?} needs it {}",
                contract.as_str(),
                wanted.as_str()
            )))
        }
    };
    let single = |index, status, flow| Effect {
        contract,
        milestones: vec![MilestoneEffect {
            index,
            status,
            flow,
        }],
    };
    match action {
        A::Accept | A::Decline => {
            allowed(&[Party::Worker])?;
            in_state(C::Proposed)?;
            Ok(Effect {
                contract: if action == A::Accept {
                    C::Active
                } else {
                    C::Declined
                },
                milestones: Vec::new(),
            })
        }
        A::Fund => {
            allowed(&[Party::Client])?;
            in_state(C::Active)?;
            Ok(single(one(&[M::Unfunded])?, M::Funded, Flow::Fund))
        }
        A::Submit => {
            allowed(&[Party::Worker])?;
            in_state(C::Active)?;
            Ok(single(
                one(&[M::Funded, M::ChangesRequested])?,
                M::Submitted,
                Flow::None,
            ))
        }
        A::RequestChanges => {
            allowed(&[Party::Client])?;
            in_state(C::Active)?;
            Ok(single(
                one(&[M::Submitted])?,
                M::ChangesRequested,
                Flow::None,
            ))
        }
        A::Approve | A::AutoApprove | A::TestPassed => {
            allowed(if action == A::Approve {
                &[Party::Client]
            } else {
                &[Party::System]
            })?;
            in_state(C::Active)?;
            let i = if action == A::TestPassed {
                one(&[M::Funded, M::Submitted, M::ChangesRequested])?
            } else {
                one(&[M::Submitted])?
            };
            // An hourly contract goes on after a week is paid, until a party ends it.
            let done = kind == ContractKind::Fixed
                && milestones
                    .iter()
                    .enumerate()
                    .all(|(j, s)| j == i || matches!(s, M::Approved | M::Refunded | M::Settled));
            Ok(Effect {
                contract: if done { C::Completed } else { C::Active },
                milestones: vec![MilestoneEffect {
                    index: i,
                    status: M::Approved,
                    flow: Flow::Release,
                }],
            })
        }
        A::Cancel => {
            allowed(&[Party::Client])?;
            if !matches!(contract, C::Proposed | C::Active) {
                return Err(refuse(format!(
                    "the contract is {}; only a proposed or active contract can be cancelled",
                    contract.as_str()
                )));
            }
            if let Some(i) = milestones
                .iter()
                .position(|s| matches!(s, M::Submitted | M::ChangesRequested))
            {
                return Err(refuse(format!(
                    "milestone {} has work submitted: review it, or open a dispute, before cancelling",
                    i + 1
                )));
            }
            Ok(Effect {
                contract: C::Cancelled,
                milestones: milestones
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s == M::Funded)
                    .map(|(index, _)| MilestoneEffect {
                        index,
                        status: M::Refunded,
                        flow: Flow::Refund,
                    })
                    .collect(),
            })
        }
        A::Dispute => {
            allowed(&[Party::Client, Party::Worker])?;
            in_state(C::Active)?;
            if !milestones
                .iter()
                .any(|s| matches!(s, M::Funded | M::Submitted | M::ChangesRequested))
            {
                return Err(refuse("there is no money in escrow to dispute"));
            }
            Ok(Effect {
                contract: C::Disputed,
                milestones: Vec::new(),
            })
        }
        A::End => {
            allowed(&[Party::Client, Party::Worker])?;
            if kind == ContractKind::Fixed {
                return Err(refuse(
                    "a fixed-price contract ends when its last milestone is approved; the client can cancel it",
                ));
            }
            in_state(C::Active)?;
            if let Some(i) = milestones.iter().position(|s| {
                matches!(
                    s,
                    M::Unfunded | M::Funded | M::Submitted | M::ChangesRequested
                )
            }) {
                return Err(refuse(format!(
                    "week {} is {}: it is submitted and approved, or the contract cancelled, before the contract ends",
                    i + 1,
                    milestones[i].as_str()
                )));
            }
            Ok(Effect {
                contract: C::Completed,
                milestones: Vec::new(),
            })
        }
        A::Resolve => {
            allowed(&[Party::Admin])?;
            in_state(C::Disputed)?;
            // The split itself is money the store computes; here every milestone with escrow
            // is settled, and the contract ends.
            Ok(Effect {
                contract: C::Cancelled,
                milestones: milestones
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| matches!(s, M::Funded | M::Submitted | M::ChangesRequested))
                    .map(|(index, _)| MilestoneEffect {
                        index,
                        status: M::Settled,
                        flow: Flow::None,
                    })
                    .collect(),
            })
        }
    }
}

/// Which of `candidates` `party` may take now on a contract of `kind` in `contract` state
/// with milestones in `milestones` states, on milestone `milestone` (or the whole contract):
/// the state machine is asked for each, so a page offers exactly what would be accepted. A
/// training milestone (`training`) is approved by the learner's pass, never by hand.
pub fn available(
    kind: ContractKind,
    contract: ContractStatus,
    milestones: &[MilestoneStatus],
    party: Party,
    milestone: Option<(usize, bool)>,
    candidates: &[Action],
) -> Vec<Action> {
    candidates
        .iter()
        .copied()
        .filter(|a| {
            let by_hand = matches!(a, Action::Submit | Action::Approve | Action::RequestChanges);
            !(by_hand && milestone.is_some_and(|(_, training)| training))
        })
        .filter(|a| {
            decide_for(
                kind,
                contract,
                milestones,
                *a,
                party,
                milestone.map(|(i, _)| i),
            )
            .is_ok()
        })
        .collect()
}

/// How a contract ended, as its reviews say: reviews come after a contract ends with work
/// paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every milestone was done.
    Finished,
    /// Cancelled (or decided) after some work was paid.
    Ended,
}

impl Ending {
    /// Its name in reviews.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::Ended => "ended",
        }
    }

    /// How a contract in `status` with milestones in `milestones` ended, if it ended with
    /// work paid (then its parties may review each other).
    pub fn of(status: ContractStatus, milestones: &[MilestoneStatus]) -> Option<Self> {
        let paid = milestones
            .iter()
            .any(|m| matches!(m, MilestoneStatus::Approved | MilestoneStatus::Settled));
        match status {
            ContractStatus::Completed => Some(Self::Finished),
            ContractStatus::Cancelled if paid => Some(Self::Ended),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContractStatus as C;
    use MilestoneStatus as M;

    #[test]
    fn the_happy_path() {
        let e = decide(
            C::Proposed,
            &[M::Unfunded],
            Action::Accept,
            Party::Worker,
            None,
        )
        .unwrap();
        assert_eq!(e.contract, C::Active);
        let e = decide(
            C::Active,
            &[M::Unfunded],
            Action::Fund,
            Party::Client,
            Some(0),
        )
        .unwrap();
        assert_eq!(e.milestones[0].flow, Flow::Fund);
        let e = decide(
            C::Active,
            &[M::Funded],
            Action::Submit,
            Party::Worker,
            Some(0),
        )
        .unwrap();
        assert_eq!(e.milestones[0].status, M::Submitted);
        let e = decide(
            C::Active,
            &[M::Submitted],
            Action::RequestChanges,
            Party::Client,
            Some(0),
        )
        .unwrap();
        assert_eq!(e.milestones[0].status, M::ChangesRequested);
        let e = decide(
            C::Active,
            &[M::Submitted, M::Unfunded],
            Action::Approve,
            Party::Client,
            Some(0),
        )
        .unwrap();
        assert_eq!(
            (e.contract, e.milestones[0].flow),
            (C::Active, Flow::Release)
        );
        let e = decide(
            C::Active,
            &[M::Approved, M::Submitted],
            Action::AutoApprove,
            Party::System,
            Some(1),
        )
        .unwrap();
        assert_eq!(e.contract, C::Completed);
    }

    #[test]
    fn out_of_order_and_wrong_party_are_refused_with_reasons() {
        let err = decide(
            C::Active,
            &[M::Unfunded],
            Action::Approve,
            Party::Client,
            Some(0),
        )
        .unwrap_err();
        assert!(err.to_string().contains("milestone 1 is unfunded"), "{err}");
        let err = decide(
            C::Active,
            &[M::Funded],
            Action::Approve,
            Party::Worker,
            Some(0),
        )
        .unwrap_err();
        assert!(err.to_string().contains("only the client"), "{err}");
        assert!(
            decide(
                C::Proposed,
                &[M::Unfunded],
                Action::Fund,
                Party::Client,
                Some(0)
            )
            .is_err()
        );
        assert!(
            decide(
                C::Active,
                &[M::Unfunded],
                Action::Fund,
                Party::Client,
                Some(3)
            )
            .is_err()
        );
        assert!(
            decide(
                C::Active,
                &[M::Funded],
                Action::Fund,
                Party::Client,
                Some(0)
            )
            .is_err()
        );
        let err = decide(
            C::Active,
            &[M::Submitted],
            Action::Cancel,
            Party::Client,
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("dispute"), "{err}");
        assert!(
            decide(
                C::Active,
                &[M::Unfunded],
                Action::Dispute,
                Party::Worker,
                None
            )
            .is_err()
        );
        assert!(
            decide(
                C::Disputed,
                &[M::Funded],
                Action::Resolve,
                Party::Client,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn a_passed_test_approves_a_funded_training_milestone() {
        let e = decide(
            C::Active,
            &[M::Funded],
            Action::TestPassed,
            Party::System,
            Some(0),
        )
        .unwrap();
        assert_eq!(
            (e.contract, e.milestones[0].flow),
            (C::Completed, Flow::Release)
        );
        assert!(
            decide(
                C::Active,
                &[M::Unfunded],
                Action::TestPassed,
                Party::System,
                Some(0)
            )
            .is_err()
        );
        assert!(
            decide(
                C::Active,
                &[M::Funded],
                Action::TestPassed,
                Party::Client,
                Some(0)
            )
            .is_err()
        );
    }

    #[test]
    fn an_hourly_contract_goes_on_after_a_paid_week_until_ended() {
        let k = ContractKind::Hourly;
        let e = decide_for(
            k,
            C::Active,
            &[M::Submitted],
            Action::Approve,
            Party::Client,
            Some(0),
        )
        .unwrap();
        assert_eq!(e.contract, C::Active);
        let err =
            decide_for(k, C::Active, &[M::Funded], Action::End, Party::Worker, None).unwrap_err();
        assert!(err.to_string().contains("week 1 is funded"), "{err}");
        let e = decide_for(
            k,
            C::Active,
            &[M::Approved, M::Refunded],
            Action::End,
            Party::Worker,
            None,
        )
        .unwrap();
        assert_eq!(e.contract, C::Completed);
        assert!(decide(C::Active, &[M::Approved], Action::End, Party::Client, None).is_err());
        assert!(
            decide_for(k, C::Active, &[], Action::End, Party::Admin, None).is_err(),
            "only the parties end a contract"
        );
    }

    #[test]
    fn cancelling_refunds_funded_milestones() {
        let e = decide(
            C::Active,
            &[M::Approved, M::Funded, M::Unfunded],
            Action::Cancel,
            Party::Client,
            None,
        )
        .unwrap();
        assert_eq!(e.contract, C::Cancelled);
        assert_eq!(
            e.milestones,
            vec![MilestoneEffect {
                index: 1,
                status: M::Refunded,
                flow: Flow::Refund
            }]
        );
    }

    #[test]
    fn reviews_come_after_work_was_paid() {
        use MilestoneStatus as M;
        assert_eq!(
            Ending::of(ContractStatus::Completed, &[M::Approved]),
            Some(Ending::Finished)
        );
        assert_eq!(
            Ending::of(ContractStatus::Cancelled, &[M::Approved, M::Refunded]),
            Some(Ending::Ended)
        );
        assert_eq!(Ending::of(ContractStatus::Cancelled, &[M::Refunded]), None);
        assert_eq!(Ending::of(ContractStatus::Active, &[M::Approved]), None);
    }

    #[test]
    fn a_page_offers_what_the_state_machine_accepts() {
        use MilestoneStatus as M;
        let whole = [
            Action::Accept,
            Action::Decline,
            Action::Cancel,
            Action::Dispute,
        ];
        let one = [
            Action::Fund,
            Action::Submit,
            Action::Approve,
            Action::RequestChanges,
        ];
        let fixed = ContractKind::Fixed;
        assert_eq!(
            available(
                fixed,
                ContractStatus::Proposed,
                &[M::Unfunded],
                Party::Worker,
                None,
                &whole
            ),
            vec![Action::Accept, Action::Decline]
        );
        assert_eq!(
            available(
                fixed,
                ContractStatus::Active,
                &[M::Funded],
                Party::Client,
                None,
                &whole
            ),
            vec![Action::Cancel, Action::Dispute]
        );
        let ms = [M::Submitted, M::Unfunded];
        assert_eq!(
            available(
                fixed,
                ContractStatus::Active,
                &ms,
                Party::Client,
                Some((0, false)),
                &one
            ),
            vec![Action::Approve, Action::RequestChanges]
        );
        assert!(
            available(
                fixed,
                ContractStatus::Active,
                &ms,
                Party::Client,
                Some((0, true)),
                &one
            )
            .is_empty()
        );
        assert_eq!(
            available(
                fixed,
                ContractStatus::Active,
                &ms,
                Party::Client,
                Some((1, false)),
                &one
            ),
            vec![Action::Fund]
        );
    }
}
