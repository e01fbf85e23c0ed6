package dev.consentgate.replay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays reviewers' decisions on held records. A review id names the held decision's audit record, so the replay's own
 * ids differ from the service's (its driver has other partitions and sequences): each held record replayed is noted under
 * the service's id, and the reviewer's decision, read from the review-decision topic where its audit record says, is fed
 * again under the replay's id. The replayed audit record then names the replay's positions, which are set back to the
 * recorded ones once the replay has matched them; every other field, the reviewer, the reason and the decision included,
 * is compared as it is.
 */
final class ReviewReplay {

    /** Fields of the review that name positions: the held record's audit reference and where the decision was read. */
    private static final List<String> POSITIONS = List.of("reviewId", "heldAuditPartition", "heldAuditSequence", "decisionPartition",
            "decisionOffset");
    private static final int WIRE_FORMAT_HEADER = 5;

    /** The replay's copy of a reviewer's decision, or why there is none. */
    record Copy(TestRecord<byte[], byte[]> record, String replayId, String problem) {
    }

    private final String reviewTopic;
    private final String decisionsTopic;
    private final ReplaySerde serde;
    private final Map<ReplayEngine.Position, ConsumerRecord<byte[], byte[]>> decisions;
    /** Per review id of the service, the one the replay held the same record under. */
    private final Map<String, String> replayIds = new HashMap<>();

    ReviewReplay(String reviewTopic, String decisionsTopic, ReplaySerde serde,
                 Map<ReplayEngine.Position, ConsumerRecord<byte[], byte[]>> decisions) {
        this.reviewTopic = reviewTopic;
        this.decisionsTopic = decisionsTopic;
        this.serde = serde;
        this.decisions = decisions;
    }

    /** True for the audit record of a reviewer's decision. */
    static boolean decidesReview(Map<String, Object> recorded) {
        return recorded.get("review") != null;
    }

    /** Where the reviewer's decision of {@code recorded} was read. */
    static ReplayEngine.Position decisionPosition(String decisionsTopic, Map<String, Object> recorded) {
        Map<?, ?> review = (Map<?, ?>) recorded.get("review");
        return new ReplayEngine.Position(decisionsTopic, ((Number) review.get("decisionPartition")).intValue(),
                ((Number) review.get("decisionOffset")).longValue());
    }

    /** Notes, for each purpose the recorded event's decision held for review, the replay's review id of the same hold. */
    void held(int auditPartition, Map<String, Object> recorded, Map<String, Object> replayed) {
        for (Object decision : (List<?>) recorded.get("decisions")) {
            Map<?, ?> purpose = (Map<?, ?>) decision;
            if (reviewTopic.equals(purpose.get("outputTopic"))) {
                replayIds.put(id(auditPartition, recorded, purpose.get("purpose")), id(partition(replayed), replayed, purpose.get("purpose")));
            }
        }
    }

    /** The reviewer's decision that {@code recorded} reports, as the replay feeds it. */
    Copy copy(Map<String, Object> recorded) {
        Map<?, ?> review = (Map<?, ?>) recorded.get("review");
        String recordedId = String.valueOf(review.get("reviewId"));
        String replayId = replayIds.get(recordedId);
        if (replayId == null) {
            return new Copy(null, null, "the replay did not hold a record under review id " + recordedId + " (its held decision is "
                    + "outside the range, or was decided otherwise)");
        }
        ReplayEngine.Position position = decisionPosition(decisionsTopic, recorded);
        ConsumerRecord<byte[], byte[]> read = decisions.get(position);
        if (read == null) {
            return new Copy(null, null, "the reviewer's decision at " + position + " is not in " + decisionsTopic);
        }
        GenericRecord decision = (GenericRecord) serde.decodeRecorded(read.topic(), read.value());
        if (!recordedId.equals(String.valueOf(decision.get("reviewId")))) {
            return new Copy(null, null, "the reviewer's decision at " + position + " names review id " + decision.get("reviewId")
                    + ", not " + recordedId);
        }
        byte[] key = replayId.getBytes(StandardCharsets.UTF_8);
        return new Copy(new TestRecord<>(key, underId(read.value(), decision, replayId), read.headers(), read.timestamp()), replayId, null);
    }

    /**
     * The replayed audit record with the review's positions set to the recorded ones, when it names the replay's hold of
     * the same record; else as it is, and the comparison shows the difference.
     */
    static Map<String, Object> aligned(Map<String, Object> recorded, Map<String, Object> replayed, String replayId) {
        Map<?, ?> review = (Map<?, ?>) replayed.get("review");
        if (review == null || !replayId.equals(review.get("reviewId"))) {
            return replayed;
        }
        Map<String, Object> alignedReview = new LinkedHashMap<>();
        Map<?, ?> recordedReview = (Map<?, ?>) recorded.get("review");
        review.forEach((field, value) -> alignedReview.put(String.valueOf(field), POSITIONS.contains(field) ? recordedReview.get(field) : value));
        Map<String, Object> aligned = new LinkedHashMap<>(replayed);
        aligned.put("review", alignedReview);
        return aligned;
    }

    private static String id(int partition, Map<String, Object> audit, Object purpose) {
        return partition + "-" + ((Map<?, ?>) audit.get("chain")).get("sequence") + "-" + purpose;
    }

    /** The replay's audit partition: its driver's task's, which it records as the consent partition. */
    private static int partition(Map<String, Object> replayed) {
        return ((Number) replayed.get("consentPartition")).intValue();
    }

    /**
     * The decision's bytes with another review id: the same schema id, and the Avro binary of the decision under the schema
     * that id names, which it was decoded with. Nothing is registered: the replay never writes to the production registry.
     */
    private static byte[] underId(byte[] original, GenericRecord decision, String replayId) {
        Schema schema = decision.getSchema();
        GenericData.Record copy = new GenericData.Record(schema);
        schema.getFields().forEach(field -> copy.put(field.pos(), decision.get(field.pos())));
        copy.put("reviewId", replayId);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(original, 0, WIRE_FORMAT_HEADER);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(copy, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
