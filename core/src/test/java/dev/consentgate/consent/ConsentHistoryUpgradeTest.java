package dev.consentgate.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.Purpose;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * State written by a build with the versioned consent stores: its committed consent offsets lie past statements the
 * per-customer store never saw, so deciding on would forget every objection and erasure among them.
 */
class ConsentHistoryUpgradeTest {

    @Test
    void stateLeftByTheVersionedStoresStopsTheTaskWithWhatToDo() {
        MockProcessorContext<Object, Object> context = context();
        KeyValueStore<String, Long> watermarks = context.getStateStore(ConsentHistory.WATERMARK_STORE);
        watermarks.put("last-read-offset", 41L);

        assertThatThrownBy(() -> ConsentHistory.open(context, Duration.ofDays(30), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the state of this application was written by a ConsentGate build with the versioned consent stores")
                .hasMessageContaining("docs/operations.md");
    }

    @Test
    void stateOfThisBuildOpensWithItsOffsetsAndHistory() {
        MockProcessorContext<Object, Object> context = context();
        ConsentHistory written = ConsentHistory.open(context, Duration.ofDays(30), 10);
        written.markRead(7);
        written.markRerouted(3);
        written.record("cust-1", new ConsentState(Purpose.of("marketing"), ConsentChoice.WITHDRAWN, 1_000, null, "EU", null, null, null));

        ConsentHistory reopened = ConsentHistory.open(context, Duration.ofDays(30), 0);

        assertThat(reopened.lastReadOffset()).isEqualTo(7L);
        assertThat(reopened.lastReroutedOffset()).isEqualTo(3L);
        assertThat(reopened.latestCaptureTime()).isEqualTo(1_000L);
        assertThat(reopened.at("cust-1", Purpose.of("marketing.communications.email"), 1_500).record().status())
                .isEqualTo(ConsentChoice.WITHDRAWN);
        assertThat(reopened.jurisdictionAt("cust-1", 1_500)).isEqualTo("EU");
    }

    private static MockProcessorContext<Object, Object> context() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(new Properties());
        KeyValueStore<String, CustomerHistory> histories = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ConsentHistory.CONSENT_STORE), Serdes.String(), new CustomerHistorySerde()).withLoggingDisabled().build();
        KeyValueStore<String, Long> watermarks = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ConsentHistory.WATERMARK_STORE), Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        histories.init(context.getStateStoreContext(), histories);
        watermarks.init(context.getStateStoreContext(), watermarks);
        context.addStateStore(histories);
        context.addStateStore(watermarks);
        return context;
    }
}
