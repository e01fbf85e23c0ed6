package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.output.Outbound;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.TopicSummary;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The locator names the customer only from the request read back where the notice says it was read, and only when that
 * request is the customer's; what it cannot find any more it leaves null rather than guess.
 */
class ErasureNoticeLocatorTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String ERASURES = "privacy.erasure";
    private static final String EMAIL_TOPIC = "crm.purpose.marketing.communications.email";
    private static final String REPORTING_TOPIC = "crm.purpose.analytics.reporting";

    private final Map<String, Object> configs = Map.of(ConsentGateConfig.HMAC_KEY, HMAC_KEY,
            "schema.registry.url", "mock://locator-" + UUID.randomUUID());
    private final ConsentGateConfig config = new ConsentGateConfig(configs);
    private final TopologySettings settings = TopologySettings.of(config,
            PolicyParser.parse("policy.yaml", EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8)));
    private final AvroCodec codec = new AvroCodec(config.valueSerde(configs));

    @Test
    void aRecordOfAnotherCustomerWhereTheRequestWasReadNamesNobody() {
        Lookups lookups = new Lookups(Optional.of(request("c-2")), OptionalInt.of(0), OptionalLong.of(0));
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        assertThatThrownBy(() -> process(context, lookups, pending("c-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the record at consent.events-3@41 is not the erasure request its notice was made for");
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void aRequestNoLongerReadableNamesNobody() {
        Lookups lookups = new Lookups(Optional.empty(), OptionalInt.of(0), OptionalLong.of(0));
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        assertThatThrownBy(() -> process(context, lookups, pending("c-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the erasure request at consent.events-3@41 is no longer readable: its erasure notice cannot name the customer");
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void recordsNoLongerThereLeaveTheirOffsetsNullAndATopicGoneItsPartitionToo() {
        Lookups lookups = new Lookups(Optional.of(request("c-1")), OptionalInt.empty(), OptionalLong.empty());
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        process(context, lookups, pending("c-1"));

        assertThat(context.forwarded()).hasSize(1);
        var notice = context.forwarded().get(0).record();
        assertThat(new String(notice.key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
        assertThat(notice.value().topic()).isEqualTo(ERASURES);
        try (ConfluentAvroDeserializer reader = new ConfluentAvroDeserializer()) {
            reader.configure(configs, false);
            assertThat(reader.decode(ERASURES, notice.value().value()).record().get("deliveries").toString()).isEqualTo("["
                    + "{\"topic\": \"" + REPORTING_TOPIC + "\", \"recordKey\": \"" + settings.pseudonymKey().hash().hex("c-1")
                    + "\", \"records\": 1, \"firstDeliveredAt\": " + (T0 + 1) + ", \"lastDeliveredAt\": " + (T0 + 1)
                    + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-1\", \"partition\": null, \"firstOffset\": null, \"lastOffset\": null}, "
                    + "{\"topic\": \"" + EMAIL_TOPIC + "\", \"recordKey\": \"c-1\", \"records\": 2, \"firstDeliveredAt\": " + (T0 + 1)
                    + ", \"lastDeliveredAt\": " + (T0 + 2) + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-2\", "
                    + "\"partition\": 0, \"firstOffset\": null, \"lastOffset\": null}]");
        }
    }

    private void process(MockProcessorContext<byte[], Outbound> context, Lookups lookups, PendingErasureNotice pending) {
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> lookups);
        locator.init(context);
        locator.process(new Record<>(new byte[0], ErasureNoticeLocator.PENDING.encode(pending), T0 + 10));
    }

    private byte[] request(String customerId) {
        return codec.encode("consent.events", EnforcementDriver.erasureEvent(customerId, T0 + 10));
    }

    private PendingErasureNotice pending(String customerId) {
        return new PendingErasureNotice(DataKeyReference.of(settings, customerId), Instant.ofEpochMilli(T0 + 10), "dsar-portal", null,
                "consent.events", 3, 41L, "2026-12-05.1", List.of(
                new TopicSummary(REPORTING_TOPIC, false, 1L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 1), "e-1", "e-1"),
                new TopicSummary(EMAIL_TOPIC, true, 2L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 2), "e-1", "e-2")));
    }

    /** The request at the notice's position, the reporting topic's partition, and every search's answer. */
    private record Lookups(Optional<byte[]> request, OptionalInt reportingPartition, OptionalLong offset) implements ErasureLookups {

        @Override
        public Optional<byte[]> valueAt(String topic, int partition, long at) {
            return topic.equals("consent.events") && partition == 3 && at == 41 ? request : Optional.empty();
        }

        @Override
        public OptionalInt partitionOf(String topic, byte[] key) {
            return topic.equals(EMAIL_TOPIC) ? OptionalInt.of(0) : reportingPartition;
        }

        @Override
        public OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId) {
            return offset;
        }

        @Override
        public void close() {
        }
    }
}
