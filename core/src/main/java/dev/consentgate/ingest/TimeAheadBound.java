package dev.consentgate.ingest;

import java.time.Duration;

/**
 * How far a record's own time (an event's time, a consent statement's or a signal's capture time) may lie after the
 * record's Kafka timestamp. Each task decides at the latest time it has seen, and judges its history against the newest
 * capture time, so one record dated years ahead would make every later decision of its partition fail closed: grants
 * would look expired, the grace period would stop holding, every event would lie beyond the consent history. The Kafka
 * timestamp is the time the record was produced, which brokers keep from running ahead of their clock
 * ({@code log.message.timestamp.after.max.ms}, one hour by default since Kafka 4.0); a record beyond the bound is a dead
 * letter. The check reads only the record, so a replay repeats it.
 */
public record TimeAheadBound(Duration maxAhead) {

    /**
     * @param what the time's name, for the dead letter's detail
     * @throws RejectException {@link RejectReason#TIME_AHEAD_OF_RECORD} when {@code time} is more than the bound after
     *                         {@code recordTimestamp}
     */
    void check(long time, long recordTimestamp, String what) throws RejectException {
        // Both are from 1970 on (checked, and Kafka Streams refuses negative timestamps): the difference cannot overflow.
        long ahead = time - recordTimestamp;
        if (ahead > maxAhead.toMillis()) {
            throw new RejectException(RejectReason.TIME_AHEAD_OF_RECORD, what + " is " + ahead + " ms after the record's timestamp, "
                    + "more than the " + maxAhead.toMillis() + " ms a record's time may run ahead of it");
        }
    }
}
