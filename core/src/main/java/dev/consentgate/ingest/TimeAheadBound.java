package dev.consentgate.ingest;

import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.ConsentState;
import java.time.Duration;
import java.util.Optional;

/**
 * How far a record's own time (an event's time, a consent statement's or a signal's capture time) may lie after the
 * record's Kafka timestamp. Each task decides at the latest time it has seen, and judges its history against the newest
 * capture time, so one record dated years ahead would make every later decision of its partition fail closed: grants
 * would look expired, the grace period would stop holding, every event would lie beyond the consent history. The Kafka
 * timestamp is the time the record was produced, which brokers keep from running ahead of their clock
 * ({@code log.message.timestamp.after.max.ms}, one hour by default since Kafka 4.0).
 *
 * <p>An event dated beyond the bound is a dead letter. A refusal (DENIED, WITHDRAWN, an erasure) is the customer's "no"
 * and must not be lost: dated beyond the bound, it counts from the bound, the latest time its record allows. A grant
 * dated beyond the bound is a dead letter: moved back to the bound, it would count before it says it was given, and could
 * override a refusal captured after its record was produced. All of this reads only the record, so a replay repeats it.
 */
public record TimeAheadBound(Duration maxAhead) {

    /**
     * @throws RejectException {@link RejectReason#TIME_AHEAD_OF_RECORD} when the event's time is more than the bound after
     *                         {@code recordTimestamp}
     */
    void checkEventTime(long eventTime, long recordTimestamp) throws RejectException {
        if (eventTime > latest(recordTimestamp)) {
            throw ahead("the event time", eventTime, recordTimestamp, "");
        }
    }

    /** The statement as it counts: unchanged within the bound, a refusal beyond it captured at the bound, a grant beyond it none. */
    Optional<ConsentState> bounded(ConsentState state, long recordTimestamp) {
        long latest = latest(recordTimestamp);
        if (state.capturedAt() <= latest) {
            return Optional.of(state);
        }
        if (state.status() == ConsentChoice.GRANTED) {
            return Optional.empty();
        }
        return Optional.of(new ConsentState(state.purpose(), state.status(), latest, state.expiresAt(), state.jurisdiction(),
                state.source(), state.noticeVersion(), state.consentId(), state.signal()));
    }

    /**
     * The dead letter of a time beyond the bound.
     *
     * @param what  the time's name, for the detail
     * @param after what follows the detail's first sentence, if anything
     */
    RejectException ahead(String what, long time, long recordTimestamp, String after) {
        // Both are from 1970 on (checked, and Kafka Streams refuses negative timestamps): the difference cannot overflow.
        return new RejectException(RejectReason.TIME_AHEAD_OF_RECORD, what + " is " + (time - recordTimestamp) + " ms after the "
                + "record's timestamp, more than the " + maxAhead.toMillis() + " ms a record's time may run ahead of it" + after);
    }

    private long latest(long recordTimestamp) {
        // Saturating: a bound of years after a timestamp near the end of time must not wrap around.
        long latest = recordTimestamp + maxAhead.toMillis();
        return latest < recordTimestamp ? Long.MAX_VALUE : latest;
    }
}
