package dev.consentgate.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Purpose;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * State written by a build with the versioned consent stores, by a build that kept histories by customer id, or under
 * another state key: its committed consent offsets lie past statements a lookup by this key's hashes would never find,
 * so deciding on would forget every objection and erasure among them.
 */
class ConsentHistoryUpgradeTest {

    private static final KeyedHash STATE_KEY = key("state-key-0123456789-abcdefghijklmnopqrstuvwxyz");
    private static final KeyedHash OTHER_STATE_KEY = key("another-state-key-0123456789-abcdefghijklmnopq");
    private static final ConsentState WITHDRAWN =
            new ConsentState(Purpose.of("marketing"), ConsentChoice.WITHDRAWN, 1_000, null, "EU", null, null, null);

    @Test
    void stateLeftByTheVersionedStoresStopsTheTaskWithWhatToDo() {
        MockProcessorContext<Object, Object> context = context();
        KeyValueStore<String, Long> watermarks = context.getStateStore(ConsentHistory.WATERMARK_STORE);
        watermarks.put("last-read-offset", 41L);

        assertThatThrownBy(() -> ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the state of this application was written by a ConsentGate build with the versioned consent stores")
                .hasMessageContaining("docs/operations.md");
    }

    @Test
    void stateOfThisBuildOpensWithItsOffsetsAndHistory() {
        MockProcessorContext<Object, Object> context = context();
        ConsentHistory written = ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10);
        written.markRead(7);
        written.markRerouted(3);
        written.record("cust-1", WITHDRAWN);

        ConsentHistory reopened = ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 0);

        assertThat(reopened.lastReadOffset()).isEqualTo(7L);
        assertThat(reopened.lastReroutedOffset()).isEqualTo(3L);
        assertThat(reopened.latestCaptureTime()).isEqualTo(1_000L);
        assertThat(reopened.at("cust-1", Purpose.of("marketing.communications.email"), 1_500).record().status())
                .isEqualTo(ConsentChoice.WITHDRAWN);
        assertThat(reopened.jurisdictionAt("cust-1", 1_500)).isEqualTo("EU");
    }

    @Test
    void theStoreIsKeyedByTheCustomerIdsHmacAndItsValuesHoldNoCustomerId() {
        MockProcessorContext<Object, Object> context = context();
        ConsentHistory history = ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10);

        history.record("cust-1", WITHDRAWN);

        KeyValueStore<String, CustomerHistory> store = context.getStateStore(ConsentHistory.CONSENT_STORE);
        List<KeyValue<String, CustomerHistory>> entries = new ArrayList<>();
        store.all().forEachRemaining(entries::add);
        assertThat(entries).extracting(entry -> entry.key).containsExactly(STATE_KEY.hex("cust-1"));
        byte[] value = new CustomerHistorySerde().serializer().serialize("changelog", entries.get(0).value);
        assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain("cust-1");
    }

    @Test
    void historiesKeptByCustomerIdStopTheTaskWithWhatToDo() {
        // Given the state of a build that kept each history under the raw customer id, and its consent watermarks
        MockProcessorContext<Object, Object> context = context();
        KeyValueStore<String, CustomerHistory> store = context.getStateStore(ConsentHistory.CONSENT_STORE);
        CustomerHistory history = new CustomerHistory();
        history.add(WITHDRAWN, 0);
        store.put("cust-1", history);
        KeyValueStore<String, Long> watermarks = context.getStateStore(ConsentHistory.WATERMARK_STORE);
        watermarks.put("consent-read-offset", 7L);

        // Then it is refused, naming the upgrade
        assertThatThrownBy(() -> ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the state of this application was written by a ConsentGate build that kept consent histories by customer id")
                .hasMessageContaining("docs/operations.md");
    }

    @Test
    void historiesWithoutTheirWatermarksAreRefusedToo() {
        // Given raw-keyed histories whose watermarks changelog alone was deleted
        MockProcessorContext<Object, Object> context = context();
        KeyValueStore<String, CustomerHistory> store = context.getStateStore(ConsentHistory.CONSENT_STORE);
        CustomerHistory history = new CustomerHistory();
        history.add(WITHDRAWN, 0);
        store.put("cust-1", history);

        assertThatThrownBy(() -> ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kept consent histories by customer id");
    }

    @Test
    void historiesKeptUnderAnotherStateKeyStopTheTaskWithoutShowingAKey() {
        // Given state written under another state key
        MockProcessorContext<Object, Object> context = context();
        ConsentHistory.open(context, OTHER_STATE_KEY, Duration.ofDays(30), 10).record("cust-1", WITHDRAWN);

        // Then a task with this key refuses it, naming the setting and never a key or its fingerprint
        assertThatThrownBy(() -> ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the consent histories of this application are keyed under another state key")
                .hasMessageContaining("consentgate.keys.state")
                .hasMessageNotContaining(STATE_KEY.fingerprint())
                .hasMessageNotContaining(OTHER_STATE_KEY.fingerprint());
    }

    @Test
    void aFreshStateOpensAndAnEventOnlyWatermarkIsNoOldState() {
        // Given a task that has seen no consent yet, only events (the grace buffer's time shares the watermark store)
        MockProcessorContext<Object, Object> context = context();
        KeyValueStore<String, Long> watermarks = context.getStateStore(ConsentHistory.WATERMARK_STORE);
        watermarks.put("event-stream-time", 5_000L);

        // Then it opens, and after its first consent it is known to be written under its key
        ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 10).record("cust-1", WITHDRAWN);
        assertThat(ConsentHistory.open(context, STATE_KEY, Duration.ofDays(30), 0).at("cust-1", Purpose.of("marketing"), 1_500)
                .record().status()).isEqualTo(ConsentChoice.WITHDRAWN);
    }

    private static KeyedHash key(String text) {
        return new KeyedHash(text.getBytes(StandardCharsets.UTF_8));
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
