package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaBroker;
import dev.consentgate.testing.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An erasure notice on a real broker names, for every purpose topic the customer's records reached, the partition they are
 * in and the offsets of the first and the last of them, found among other customers' records of the same time: all topics
 * are searched at once, first records then last records.
 */
class ErasureNoticeIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    /** Shortly before now: the broker's retention (7 days) would delete older records while the test reads them. */
    private static final long T0 = Instant.now().minusSeconds(900).toEpochMilli() / 1000 * 1000;
    private static final String MARKETING = "marketing.communications.email";
    private static final String REPORTING = "analytics.reporting";
    /** c-1 last: its records follow others' of the same time, which a search that starts at that time must pass over. */
    private static final List<String> CUSTOMERS = List.of("c-2", "c-3", "c-4", "c-5", "c-6", "c-7", "c-8", "c-1");

    @Test
    void theNoticeNamesThePartitionAndTheFirstAndLastOffsetOfTheCustomersRecordsInEachPurposeTopic() throws Exception {
        String applicationId = "notice-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId);
        // Given eight customers who consented to marketing, and three contact updates each for marketing and reporting, in turns
        List<EndToEndScenario.Message> messages = new ArrayList<>();
        CUSTOMERS.forEach(customer -> messages.add(consent(customer, T0)));
        messages.addAll(contactUpdates(1, 3));
        run.send(run.serialize(messages));
        String marketingTopic = run.topic("crm.purpose." + MARKETING);
        String reportingTopic = run.topic("crm.purpose." + REPORTING);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(Map.of()), run.policy()), "127.0.0.1", 0)) {
            List<ConsumerRecord<byte[], byte[]>> marketing = delivered(marketingTopic, 24);
            List<ConsumerRecord<byte[], byte[]>> reporting = delivered(reportingTopic, 24);

            // (in the marketing topic, keyed by customer id, another customer's record of the same time comes before c-1's first)
            ConsumerRecord<byte[], byte[]> firstOfC1 = marketing.stream().filter(r -> eventId(r).equals("c-1-update-1")).findFirst().orElseThrow();
            assertThat(marketing).anyMatch(r -> r.partition() == firstOfC1.partition() && r.offset() < firstOfC1.offset()
                    && r.timestamp() == firstOfC1.timestamp());

            // When c-1 asks for erasure
            run.send(run.serialize(List.of(erasure("c-1", T0 + 2000))));

            // Then the notice locates their records in both topics: reporting's are keyed by their pseudonym
            GenericRecord notice = erasureNotice(run);
            assertThat(notice.get("customerId").toString()).isEqualTo("c-1");
            assertThat(notice.get("deliveries").toString()).isEqualTo("[" + expected(reportingTopic, reporting) + ", "
                    + expected(marketingTopic, marketing) + "]");
        }
    }

    /**
     * What a customer got delivered before a restart counts in their notice: the service keeps each customer's recent
     * deliveries in memory, which a restart empties, so the notice must come from the store, restored from its changelog
     * into a fresh state directory after the first restart and reopened from the same state directory after the second.
     */
    @Test
    void deliveriesFromBeforeRestartsAreNamedInTheNotice() throws Exception {
        String applicationId = "notice-restart-" + UUID.randomUUID().toString().substring(0, 8);
        EndToEndRun run = new EndToEndRun(KAFKA.bootstrapServers(), "mock://" + applicationId, applicationId);
        String marketingTopic = run.topic("crm.purpose." + MARKETING);
        String reportingTopic = run.topic("crm.purpose." + REPORTING);
        // Given eight customers who consented to marketing, and two contact updates each, delivered
        List<EndToEndScenario.Message> messages = new ArrayList<>();
        CUSTOMERS.forEach(customer -> messages.add(consent(customer, T0)));
        messages.addAll(contactUpdates(1, 2));
        run.send(run.serialize(messages));
        // (a restarted member takes over once the stopped one's session times out: 6 s, not 45)
        Map<String, Object> shortSessions = Map.copyOf(ChaosRun.SERVICE_OVERRIDES);
        try (StreamsService service = StreamsService.start(Setup.of(run.withStateDir(shortSessions), run.policy()), "127.0.0.1", 0)) {
            delivered(marketingTopic, 16);
            delivered(reportingTopic, 16);
        }
        // and a third, delivered by a service started with a fresh state directory
        run.send(run.serialize(contactUpdates(3, 3)));
        Map<String, Object> restored = run.withStateDir(shortSessions);
        try (StreamsService service = StreamsService.start(Setup.of(restored, run.policy()), "127.0.0.1", 0)) {
            delivered(marketingTopic, 24);
            delivered(reportingTopic, 24);
        }

        // When c-1 asks for erasure and the service starts again on that state directory
        run.send(run.serialize(List.of(erasure("c-1", T0 + 2000))));
        try (StreamsService service = StreamsService.start(Setup.of(restored, run.policy()), "127.0.0.1", 0)) {
            // Then the notice names all three of c-1's records in each topic, the first two delivered before both restarts
            GenericRecord notice = erasureNotice(run);
            assertThat(notice.get("customerId").toString()).isEqualTo("c-1");
            assertThat(notice.get("deliveries").toString()).isEqualTo("[" + expected(reportingTopic, delivered(reportingTopic, 24)) + ", "
                    + expected(marketingTopic, delivered(marketingTopic, 24)) + "]");
        }
    }

    /** Contact updates {@code first} to {@code last} of every customer, for marketing and reporting, in turns. */
    private static List<EndToEndScenario.Message> contactUpdates(int first, int last) {
        List<EndToEndScenario.Message> messages = new ArrayList<>();
        for (int update = first; update <= last; update++) {
            for (String customer : CUSTOMERS) {
                long time = T0 + 1000 + update * 10L;
                messages.add(new EndToEndScenario.Message("crm.contacts", customer, time,
                        EndToEndScenario.contact(customer + "-update-" + update, customer, time, List.of(MARKETING, REPORTING)), null));
            }
        }
        return messages;
    }

    /** The {@code count} records of a purpose topic, once committed. */
    private static List<ConsumerRecord<byte[], byte[]>> delivered(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(topic),
                read -> read.size() >= count, EndToEndRun.PROCESSING_TIMEOUT);
        assertThat(records).hasSize(count);
        return records;
    }

    /** The notice's delivery of {@code topic}, from where c-1's three records are in it (their event ids say which). */
    private static String expected(String topic, List<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> ofCustomer = records.stream().filter(r -> eventId(r).startsWith("c-1-")).toList();
        assertThat(ofCustomer).extracting(ErasureNoticeIT::eventId).containsExactly("c-1-update-1", "c-1-update-2", "c-1-update-3");
        ConsumerRecord<byte[], byte[]> first = ofCustomer.get(0);
        ConsumerRecord<byte[], byte[]> last = ofCustomer.get(2);
        assertThat(last.partition()).isEqualTo(first.partition());
        return "{\"topic\": \"" + topic + "\", \"recordKey\": \"" + new String(first.key(), StandardCharsets.UTF_8) + "\", \"records\": 3, "
                + "\"firstDeliveredAt\": " + first.timestamp() + ", \"lastDeliveredAt\": " + last.timestamp() + ", "
                + "\"firstEventId\": \"c-1-update-1\", \"lastEventId\": \"c-1-update-3\", \"partition\": " + first.partition() + ", "
                + "\"firstOffset\": " + first.offset() + ", \"lastOffset\": " + last.offset() + "}";
    }

    private static String eventId(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader(OutputHeaders.EVENT_ID).value(), StandardCharsets.UTF_8);
    }

    private static GenericRecord erasureNotice(EndToEndRun run) {
        String topic = run.topic("privacy.erasure");
        List<ConsumerRecord<byte[], byte[]>> notices = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), List.of(topic),
                records -> !records.isEmpty(), EndToEndRun.PROCESSING_TIMEOUT);
        assertThat(notices).hasSize(1);
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer()) {
            values.configure(run.properties(), false);
            return (GenericRecord) values.deserialize(topic, notices.get(0).value());
        }
    }

    private static EndToEndScenario.Message consent(String customer, long time) {
        ConsentEvent event = ConsentEvent.newBuilder().setCustomerId(customer).setPurpose(MARKETING).setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(time)).setJurisdiction("EU").setSource("it").build();
        return new EndToEndScenario.Message("consent.events", customer, time, event, null);
    }

    private static EndToEndScenario.Message erasure(String customer, long time) {
        ConsentEvent event = ConsentEvent.newBuilder().setType(ConsentEventType.ERASURE).setCustomerId(customer).setStatus(ConsentStatus.DENIED)
                .setCapturedAt(Instant.ofEpochMilli(time)).setSource("privacy-portal").build();
        return new EndToEndScenario.Message("consent.events", customer, time, event, null);
    }
}
