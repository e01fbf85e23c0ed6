package dev.consentgate.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.schema.ReviewAction;
import dev.consentgate.schema.ReviewDecision;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** What {@code review list} counts as decided: only what the enforcer takes as a decision, not any key on the topic. */
class ReviewDecisionReaderTest {

    private static final String TOPIC = "consent.review.decisions";
    private static final String HELD = "1-4-sales.prospecting";

    private final Map<String, Object> config = Map.of("schema.registry.url", "mock://review-reader-" + UUID.randomUUID());
    private final Serde<Object> serde = serde();
    private final ReviewDecisionReader reader = new ReviewDecisionReader(serde);

    @Test
    void aDecisionKeyedByItsIdOnThePartitionItNamesDecidesIt() {
        assertThat(read(1, HELD, decision(HELD))).contains(HELD);
    }

    @Test
    void aRecordThatIsNoDecisionDecidesNothingWhateverItsKey() {
        assertThat(read(1, HELD, "APPROVE".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(read(1, HELD, null)).isEmpty();
    }

    @Test
    void aDecisionKeyedByAnotherIdOrOnAnotherPartitionDecidesNothing() {
        assertThat(read(1, "1-5-sales.prospecting", decision(HELD))).isEmpty();
        assertThat(read(0, HELD, decision(HELD))).isEmpty();
        assertThat(read(1, "not-an-id", decision("not-an-id"))).isEmpty();
    }

    private Optional<String> read(int partition, String key, byte[] value) {
        return reader.decidedReviewId(TOPIC, partition, 7, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private byte[] decision(String reviewId) {
        return serde.serializer().serialize(TOPIC, new ReviewDecision(reviewId, ReviewAction.APPROVE, "rev-7", "lead checked"));
    }

    private Serde<Object> serde() {
        Serde<Object> avro = Serdes.serdeFrom(new ConfluentAvroSerializer(), new ConfluentAvroDeserializer());
        avro.configure(config, false);
        return avro;
    }
}
