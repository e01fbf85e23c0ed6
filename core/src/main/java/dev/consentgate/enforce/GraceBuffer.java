package dev.consentgate.enforce;

import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.PendingEventSerde;
import dev.consentgate.ingest.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Events waiting for consent updates still in flight, released in event-time order once the task's
 * event time has moved {@code grace} past them. Keys {@code %019d eventTime|topic|partition|offset} are
 * unique, sort by event time, and make a replayed record overwrite itself rather than duplicate. Keys
 * written before the topic was part of them ({@code %019d eventTime|partition|offset}) sort and release
 * the same way.
 */
final class GraceBuffer {

    static final String STORE = "grace-buffer";
    private static final String STREAM_TIME = "event-stream-time";

    private final KeyValueStore<String, PendingEvent> buffer;
    private final KeyValueStore<String, Long> watermarks;
    private final long graceMs;
    private long streamTime;
    /** Everything at or before this time has been released: scans start after it, not over RocksDB's delete markers. */
    private long releasedUpTo = -1;
    /** False once the buffer is known to be empty: a task without a grace period then never looks at it again. */
    private boolean mayHoldEvents = true;

    GraceBuffer(KeyValueStore<String, PendingEvent> buffer, KeyValueStore<String, Long> watermarks, long graceMs) {
        this.buffer = buffer;
        this.watermarks = watermarks;
        this.graceMs = graceMs;
        Long stored = watermarks.get(STREAM_TIME);
        this.streamTime = stored == null ? -1 : stored;
    }

    static StoreBuilder<KeyValueStore<String, PendingEvent>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), new PendingEventSerde());
    }

    /** Moves the task's event time forward (never back); kept in a changelogged store so a restart resumes it. */
    void advance(long time) {
        if (time > streamTime) {
            streamTime = time;
            watermarks.put(STREAM_TIME, streamTime);
        }
    }

    /** True when an event at {@code eventTime} has waited long enough and can be decided now. */
    boolean isDue(long eventTime) {
        return eventTime <= streamTime - graceMs;
    }

    void hold(PendingEvent event) {
        buffer.put(key(event), event);
        mayHoldEvents = true;
    }

    /**
     * True while events wait in the buffer. Without a grace period nothing is held, but a task that had one before a
     * restart may still hold events: they are released as its event time passes them, never left behind.
     */
    boolean holdsEvents() {
        if (mayHoldEvents) {
            try (KeyValueIterator<String, PendingEvent> it = buffer.all()) {
                mayHoldEvents = it.hasNext();
            }
        }
        return mayHoldEvents;
    }

    /**
     * Hands every due event to {@code decide}, oldest first, and forgets it. {@code decide} must not throw for one event:
     * the events after it would stay held.
     */
    void releaseDue(Consumer<PendingEvent> decide) {
        long cutoff = streamTime - graceMs;
        if (cutoff <= releasedUpTo) {
            return;
        }
        List<KeyValue<String, PendingEvent>> due = new ArrayList<>();
        try (KeyValueIterator<String, PendingEvent> it = buffer.range(prefix(releasedUpTo + 1), prefix(cutoff) + "|~")) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, PendingEvent> entry : due) {
            decide.accept(entry.value);
            buffer.delete(entry.key);
        }
        releasedUpTo = cutoff;
    }

    private static String key(PendingEvent event) {
        SourcePosition position = event.position();
        // The topic too: events of two inputs can share an event time, a partition number and an offset.
        return prefix(event.eventTime()) + "|" + position.topic() + "|" + String.format("%010d|%019d", position.partition(), position.offset());
    }

    private static String prefix(long eventTime) {
        return String.format("%019d", Math.max(0, eventTime));
    }
}
