//! The filters the guard decodes as lopdf does (`/FlateDecode`, `/ASCII85Decode`), each
//! stage writing into a small fixed buffer whose bytes are counted and passed on, never kept.

use flate2::{Decompress, FlushDecompress, Status};

use super::streams::{Budget, Sink};
use crate::MediaError;

/// The output buffer of one decoding stage.
const STAGE_BUFFER: usize = 32 * 1024;

/// One decoding step of a stream's filter chain, writing into a fixed buffer.
pub(super) enum Stage {
    Flate {
        inflater: Decompress,
        out: Vec<u8>,
        done: bool,
    },
    Ascii85 {
        group: u32,
        count: u8,
        out: Vec<u8>,
        done: bool,
    },
}

impl Stage {
    pub(super) fn flate() -> Stage {
        Stage::Flate {
            inflater: Decompress::new(true),
            out: vec![0; STAGE_BUFFER],
            done: false,
        }
    }

    pub(super) fn ascii85() -> Stage {
        Stage::Ascii85 {
            group: 0,
            count: 0,
            out: Vec::with_capacity(STAGE_BUFFER + 4),
            done: false,
        }
    }

    pub(super) fn done(&self) -> bool {
        match self {
            Stage::Flate { done, .. } | Stage::Ascii85 { done, .. } => *done,
        }
    }
}

/// Feeds `input` to the first of `stages`, whose output goes through the others (each one's
/// output counted against the budget) and then to `sink`. Returns how much of `input` the first
/// stage took: all of it unless its data ended (or went wrong) on the way.
pub(super) fn push(
    stages: &mut [Stage],
    input: &[u8],
    budget: &mut Budget,
    sink: &mut Sink,
) -> Result<usize, MediaError> {
    let Some((stage, rest)) = stages.split_first_mut() else {
        sink.feed(input)?;
        return Ok(input.len());
    };
    match stage {
        Stage::Flate {
            inflater,
            out,
            done,
        } => {
            let mut taken = 0;
            while !*done {
                let remaining = input.get(taken..).unwrap_or_default();
                let (in_before, out_before) = (inflater.total_in(), inflater.total_out());
                let status =
                    inflater.decompress(remaining, out.as_mut_slice(), FlushDecompress::None);
                let consumed = usize::try_from(inflater.total_in().saturating_sub(in_before))
                    .unwrap_or(usize::MAX)
                    .min(remaining.len());
                let produced = usize::try_from(inflater.total_out().saturating_sub(out_before))
                    .unwrap_or(usize::MAX)
                    .min(out.len());
                taken += consumed;
                if produced > 0 {
                    budget.inflated(produced)?;
                    push(rest, out.get(..produced).unwrap_or_default(), budget, sink)?;
                }
                match status {
                    // A broken stream is not fatal: its count stops here.
                    Ok(Status::StreamEnd) | Err(_) => *done = true,
                    Ok(Status::Ok | Status::BufError) => {
                        let more_input = taken < input.len();
                        let drained = produced < out.len();
                        if (consumed == 0 && produced == 0) || (!more_input && drained) {
                            break;
                        }
                    }
                }
            }
            Ok(taken)
        }
        Stage::Ascii85 {
            group,
            count,
            out,
            done,
        } => {
            // As lopdf decodes it: `z` is four zeros, whitespace is skipped, and the data ends
            // at the first character outside `!`..=`u` (normally the `~` of `~>`).
            let mut taken = 0;
            for &c in input {
                if *done {
                    break;
                }
                taken += 1;
                if c.is_ascii_whitespace() {
                    continue;
                }
                if c == b'z' && *count == 0 {
                    out.extend_from_slice(&[0; 4]);
                } else if (b'!'..=b'u').contains(&c) {
                    *group = group.wrapping_mul(85).wrapping_add(u32::from(c - b'!'));
                    *count += 1;
                    if *count == 5 {
                        out.extend_from_slice(&group.to_be_bytes());
                        *group = 0;
                        *count = 0;
                    }
                } else {
                    *done = true;
                    if *count > 0 {
                        for _ in *count..5 {
                            *group = group.wrapping_mul(85).wrapping_add(84);
                        }
                        let last = group.to_be_bytes();
                        out.extend_from_slice(
                            last.get(..usize::from(*count - 1)).unwrap_or_default(),
                        );
                        *count = 0;
                    }
                }
                if out.len() >= STAGE_BUFFER {
                    budget.inflated(out.len())?;
                    push(rest, out.as_slice(), budget, sink)?;
                    out.clear();
                }
            }
            if !out.is_empty() {
                budget.inflated(out.len())?;
                push(rest, out.as_slice(), budget, sink)?;
                out.clear();
            }
            Ok(taken)
        }
    }
}
