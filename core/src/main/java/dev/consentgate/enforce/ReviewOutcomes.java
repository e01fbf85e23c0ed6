package dev.consentgate.enforce;

import dev.consentgate.ingest.SourcePosition;
import dev.consentgate.policy.EventDecision;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.PurposeVerdict;
import dev.consentgate.policy.ReasonCode;
import dev.consentgate.policy.Verdict;
import dev.consentgate.schema.ReviewDecision;
import dev.consentgate.schema.ReviewOutcome;
import dev.consentgate.schema.internal.HeldRecord;
import java.util.List;

/** What a reviewer's decision makes of a held record's fresh decision, and how its audit record reports it. */
final class ReviewOutcomes {

    private ReviewOutcomes() {
    }

    /** A rejected record is dropped, whatever the fresh decision said; the time and jurisdiction judged stay recorded. */
    static EventDecision rejected(EventDecision fresh) {
        PurposeVerdict decided = fresh.decisions().get(0);
        PurposeVerdict dropped = new PurposeVerdict(decided.purpose(), decided.rule(), Verdict.DROP, List.of(ReasonCode.REVIEW_REJECTED),
                decided.basis(), decided.consentUsed());
        return new EventDecision(fresh.jurisdiction(), fresh.decidedAt(), List.of(), List.of(dropped));
    }

    /** The audit record's review field: the reviewer's decision, where it was read, and the held decision's audit reference. */
    static ReviewOutcome of(ReviewDecision decision, HeldRecord held, SourcePosition read) {
        return new ReviewOutcome(decision.getReviewId(), PolicyWords.word(decision.getAction()), decision.getReviewer(), decision.getReason(),
                held.getAuditPartition(), held.getAuditSequence(), read.partition(), read.offset());
    }
}
