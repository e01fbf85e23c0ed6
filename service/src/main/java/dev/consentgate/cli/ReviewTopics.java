package dev.consentgate.cli;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.ReviewDecisionReader;
import dev.consentgate.enforce.ReviewId;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;

/** The review topic and the review-decision topic, as a reviewer's commands read and write them. */
final class ReviewTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Setup setup;
    private final ConsentGateConfig config;

    ReviewTopics(Setup setup) {
        this.setup = setup;
        this.config = setup.config();
    }

    /** The held records no decision has been written for yet, in the order of their partitions and offsets. */
    List<HeldForReview> pending() {
        List<HeldForReview> pending = new ArrayList<>();
        try (Serde<Object> serde = config.valueSerde(setup.properties())) {
            Set<String> decided = decided(new ReviewDecisionReader(serde));
            readToEnd(config.reviewTopic(), record -> {
                HeldForReview held = HeldForReview.of(record, serde.deserializer().deserialize(record.topic(), record.value()));
                if (!decided.contains(held.header(OutputHeaders.REVIEW_ID))) {
                    pending.add(held);
                }
            });
        }
        return pending;
    }

    /** The review ids of the decisions the service takes: a record it would dead-letter leaves its held record listed. */
    private Set<String> decided(ReviewDecisionReader reader) {
        Set<String> decided = new HashSet<>();
        readToEnd(config.reviewDecisionsTopic(), record -> reader.decidedReviewId(record.topic(), record.partition(), record.offset(),
                record.key(), record.value()).ifPresent(decided::add));
        return decided;
    }

    /**
     * Writes the decision to the partition the review id names, the held record's: the task that holds it reads it there.
     * Stamped with the time now, which moves that task's time on, so an approval is decided under the consent of now.
     */
    void decide(ReviewId id, ReviewAction action, String reviewer, String reason) {
        String topic = config.reviewDecisionsTopic();
        Properties props = clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (Serde<Object> serde = config.valueSerde(setup.properties());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            if (id.partition() >= partitions) {
                throw new CommandFailure(ExitCodes.INVALID_INPUT, "review id " + id + " names partition " + id.partition() + ", but "
                        + topic + " has " + partitions + ": it is no review id of this deployment");
            }
            byte[] value = serde.serializer().serialize(topic, new ReviewDecision(id.toString(), action, reviewer, reason));
            producer.send(new ProducerRecord<>(topic, id.partition(), System.currentTimeMillis(),
                    id.toString().getBytes(StandardCharsets.UTF_8), value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot write the decision to " + topic + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.RUNTIME_FAILURE, "interrupted while writing the decision to " + topic);
        }
    }

    /** Hands every committed record of {@code topic} to {@code each}, from the start to the end offsets found first. */
    private void readToEnd(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new CommandFailure(ExitCodes.UNREACHABLE, "reading " + topic + " to its end took longer than " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(250)).forEach(each);
            }
        }
    }

    /** The configuration's Kafka client settings (bootstrap servers, security); ConsentGate's own keys are not the client's. */
    private Properties clientProperties() {
        Properties props = new Properties();
        setup.properties().forEach((key, value) -> {
            if (!key.startsWith("consentgate.")) {
                props.put(key, value);
            }
        });
        return props;
    }
}
