package dev.consentgate.demo;

import dev.consentgate.enforce.ReviewId;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.testing.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One reviewer's decision: the records a purpose with {@code review: required} waits for are on the review topic; the
 * first is approved, as {@code consentgate review approve} does, and the audit record of its fresh decision is shown.
 * Prints review ids, purposes, decisions and reasons only: never a record's content.
 */
final class ReviewShowcase {

    private static final Duration DECIDED_WITHIN = Duration.ofMinutes(1);
    private static final String REVIEWER = "demo-reviewer";

    private final Map<String, Object> properties;
    private final String reviewTopic;
    private final String decisionsTopic;
    private final String auditTopic;

    ReviewShowcase(Map<String, Object> properties, String reviewTopic, String decisionsTopic, String auditTopic) {
        this.properties = properties;
        this.reviewTopic = reviewTopic;
        this.decisionsTopic = decisionsTopic;
        this.auditTopic = auditTopic;
    }

    /** Approves the first held record through {@code producer} and reports what followed. */
    List<String> run(KafkaProducer<byte[], byte[]> producer, ConfluentAvroSerializer serializer) throws InterruptedException {
        List<String> report = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> held = KafkaTestSupport.readToEnd(bootstrapServers(), reviewTopic, Duration.ofMinutes(1));
        if (held.isEmpty()) {
            report.add("no record waits on " + reviewTopic);
            return report;
        }
        String purpose = KafkaTestSupport.header(held.get(0), OutputHeaders.PURPOSE);
        report.add(String.format("held: %d records of %s wait on %s, each with the decision it would have had", held.size(), purpose,
                reviewTopic));
        ReviewId id = ReviewId.parse(KafkaTestSupport.header(held.get(0), OutputHeaders.REVIEW_ID)).orElseThrow();
        byte[] value = serializer.serialize(decisionsTopic, new ReviewDecision(id.toString(), ReviewAction.APPROVE, REVIEWER,
                "checked in the demo"));
        producer.send(new ProducerRecord<>(decisionsTopic, id.partition(), System.currentTimeMillis(),
                id.toString().getBytes(StandardCharsets.UTF_8), value));
        producer.flush();
        Optional<GenericRecord> audit = auditOf(id);
        if (audit.isEmpty()) {
            report.add("approved " + id + " as " + REVIEWER + "; no audit record of it within " + DECIDED_WITHIN.toSeconds() + " s");
            return report;
        }
        GenericRecord decision = (GenericRecord) ((List<?>) audit.get().get("decisions")).get(0);
        report.add(String.format("approved %s as %s: decided again at approval: %s (%s), sent to %s", id, REVIEWER,
                decision.get("decision").toString().toLowerCase(java.util.Locale.ROOT), decision.get("reasons").toString()
                        .replaceAll("[\\[\\]]", ""), decision.get("outputTopic") == null ? "no topic" : decision.get("outputTopic")));
        return report;
    }

    /** The audit record of the decision on {@code id}, once the service has written it. */
    private Optional<GenericRecord> auditOf(ReviewId id) throws InterruptedException {
        long deadline = System.nanoTime() + DECIDED_WITHIN.toNanos();
        try (ConfluentAvroDeserializer values = new ConfluentAvroDeserializer()) {
            values.configure(properties, false);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : KafkaTestSupport.readToEnd(bootstrapServers(), auditTopic, Duration.ofMinutes(1))) {
                    GenericRecord audit = (GenericRecord) values.deserialize(auditTopic, record.value());
                    Object review = audit.get("review");
                    if (review instanceof GenericRecord r && id.toString().equals(r.get("reviewId").toString())) {
                        return Optional.of(audit);
                    }
                }
                Thread.sleep(500);
            }
        }
        return Optional.empty();
    }

    private String bootstrapServers() {
        return properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG).toString();
    }
}
