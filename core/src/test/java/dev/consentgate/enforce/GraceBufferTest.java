package dev.consentgate.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.PendingEventSerde;
import dev.consentgate.schema.internal.BufferedEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The grace buffer over the stores a restart finds: what was held under one grace period is released under another. */
class GraceBufferTest {

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<String, PendingEvent> buffer = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(GraceBuffer.STORE), Serdes.String(), new PendingEventSerde()).withLoggingDisabled().build());
    private final KeyValueStore<String, Long> watermarks = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("watermarks"), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());

    private <K, V> KeyValueStore<K, V> store(KeyValueStore<K, V> store) {
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @Test
    void eventsHeldUnderAGracePeriodAreReleasedAfterARestartWithoutOne() {
        // Given: an event held under a 5 s grace period
        GraceBuffer before = new GraceBuffer(buffer, watermarks, 5_000);
        before.advance(10_000);
        before.hold(event("e-held", 10_000));

        // When: the task restarts without a grace period, and its event time passes the held event
        GraceBuffer after = new GraceBuffer(buffer, watermarks, 0);
        assertThat(after.holdsEvents()).isTrue();
        after.advance(10_500);
        List<String> released = new ArrayList<>();
        after.releaseDue(event -> released.add(event.event().getEventId()));

        // Then: it is decided, not left behind, and the empty buffer is not looked at again
        assertThat(released).containsExactly("e-held");
        assertThat(after.holdsEvents()).isFalse();
    }

    @Test
    void anEmptyBufferHoldsNoEventsUntilOneIsHeld() {
        GraceBuffer grace = new GraceBuffer(buffer, watermarks, 1_000);
        assertThat(grace.holdsEvents()).isFalse();

        grace.hold(event("e-1", 2_000));

        assertThat(grace.holdsEvents()).isTrue();
    }

    private static PendingEvent event(String eventId, long eventTime) {
        return new PendingEvent(new BufferedEvent("crm.contacts", 0, 7L, eventTime, null, ByteBuffer.wrap(new byte[] {0}), List.of(),
                "c-1", List.of("essential.service"), eventTime, eventId, null), null);
    }
}
