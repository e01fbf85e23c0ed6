package dev.consentgate.ingest;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.signal.Signal;
import java.time.Duration;

/**
 * How far a record's own time (an event's time, a consent statement's or a signal's capture time) may lie after the
 * record's Kafka timestamp. Each task decides at the latest time it has seen, and judges its history against the newest
 * capture time, so one record dated years ahead would make every later decision of its partition fail closed: grants
 * would look expired, the grace period would stop holding, every event would lie beyond the consent history. The Kafka
 * timestamp is the time the record was produced, which brokers keep from running ahead of their clock
 * ({@code log.message.timestamp.after.max.ms}, one hour by default since Kafka 4.0).
 *
 * <p>An event dated beyond the bound is a dead letter. A statement is the customer's word and must not be lost, a "no"
 * least of all: dated beyond the bound, it counts from the bound, the latest time its record allows, which keeps it after
 * every statement captured before that. Both read only the record, so a replay repeats them.
 */
public record TimeAheadBound(Duration maxAhead) {

    /**
     * @throws RejectException {@link RejectReason#TIME_AHEAD_OF_RECORD} when the event's time is more than the bound after
     *                         {@code recordTimestamp}
     */
    void checkEventTime(long eventTime, long recordTimestamp) throws RejectException {
        // Both are from 1970 on (checked, and Kafka Streams refuses negative timestamps): the difference cannot overflow.
        long ahead = eventTime - recordTimestamp;
        if (ahead > maxAhead.toMillis()) {
            throw new RejectException(RejectReason.TIME_AHEAD_OF_RECORD, "the event time is " + ahead + " ms after the record's "
                    + "timestamp, more than the " + maxAhead.toMillis() + " ms a record's time may run ahead of it");
        }
    }

    /** The statement, captured no later than the bound allows. */
    ConsentState bounded(ConsentState state, long recordTimestamp) {
        long latest = latest(recordTimestamp);
        return state.capturedAt() <= latest ? state : new ConsentState(state.purpose(), state.status(), latest, state.expiresAt(),
                state.jurisdiction(), state.source(), state.noticeVersion(), state.consentId(), state.signal());
    }

    /** The signal, captured no later than the bound allows. */
    Signal bounded(Signal signal, long recordTimestamp) {
        long latest = latest(recordTimestamp);
        return signal.capturedAt() <= latest ? signal
                : new Signal(signal.kind(), signal.value(), latest, signal.jurisdiction(), signal.source(), signal.signalId());
    }

    private long latest(long recordTimestamp) {
        // Saturating: a bound of years after a timestamp near the end of time must not wrap around.
        long latest = recordTimestamp + maxAhead.toMillis();
        return latest < recordTimestamp ? Long.MAX_VALUE : latest;
    }
}
