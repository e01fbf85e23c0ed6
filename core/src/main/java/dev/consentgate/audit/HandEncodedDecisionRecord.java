package dev.consentgate.audit;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.ReasonCode;
import dev.consentgate.schema.AuditChainLink;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.schema.ReviewOutcome;
import dev.consentgate.schema.Sha256;
import dev.consentgate.serde.AvroStrings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.RandomAccess;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The audit record with an encoder of its own: Avro's custom-coder hook ({@code customEncode}), which
 * a {@code SpecificDatumWriter} whose model has custom coders on calls instead of walking the schema,
 * as the project's serde does. Walking the schema costs, for every field, a boxed {@code get(pos)}, a
 * conversion lookup, a union resolution and a switch on the schema's type; it was the largest single
 * cost of the per-event pipeline. Avro's code generator writes such an encoder only for schemas
 * without logical types, and this one has timestamps, so it is written here by hand.
 *
 * <p>What keeps it correct: it writes what Avro's generic writing writes (strings as their UTF-8
 * length and bytes, through {@link AvroStrings}, which keeps the encoding of the strings that recur
 * from event to event: the policy's keys and words, topics, reason names; ints and longs as zig-zag
 * varints, a timestamp as {@code toEpochMilli()}, an optional field as its branch index then the
 * value, an array as one block of its size then its items then 0, an enum as its ordinal, a fixed as
 * its bytes), field by field in schema order. {@code HandEncodedDecisionRecordTest} compares its
 * bytes with Avro's for random records that fill every field of the schema, including the nested
 * records'.
 *
 * <p>The records {@code AuditRecords} builds keep their decisions as the event's deliveries
 * ({@link #delivered}): {@code customEncode} writes each straight from the delivery, its decision
 * and its consent state, without making the PurposeDecision and ConsentRecordUsed records that
 * anything else reading the list gets. The test compares those bytes with Avro's for random
 * deliveries too.
 *
 * <p><b>A field added to the audit schema</b> (DecisionRecord, PurposeDecision, ConsentRecordUsed,
 * FieldTreatment, ReviewOutcome or AuditChainLink) <b>must be added here</b>, at its place in schema order, a
 * PurposeDecision or ConsentRecordUsed field in both of its writers; that test fails until it is.
 * The chain link stays the last field: the hash chain finds it in the last 64 bytes.
 *
 * <p>Only encoding is hand-written: readers build plain {@link DecisionRecord}s. Records of this class
 * are not {@code equals} to a decoded one ({@code SpecificRecordBase.equals} compares classes);
 * compare fields, or bytes.
 */
final class HandEncodedDecisionRecord extends DecisionRecord {

    private static final long serialVersionUID = 1L;

    private static final int SHA256_SIZE = Sha256.getClassSchema().getFixedSize();

    /** The generated class's all-arguments constructor, which a new field changes, so this stops compiling. */
    HandEncodedDecisionRecord(String eventId, String inputTopic, int inputPartition, long inputOffset, Instant eventTime,
                              String customerIdHmac, String jurisdiction, String enforcementMode, List<String> eventReasons,
                              List<PurposeDecision> decisions, String policyVersion, String policyHash, Instant processedAt,
                              int consentPartition, long consentOffset, Instant decidedAt, long reroutedConsentOffset,
                              int inputSchemaId, String pseudonymKeyId, ReviewOutcome review, AuditChainLink chain) {
        super(eventId, inputTopic, inputPartition, inputOffset, eventTime, customerIdHmac, jurisdiction, enforcementMode,
                eventReasons, decisions, policyVersion, policyHash, processedAt, consentPartition, consentOffset, decidedAt,
                reroutedConsentOffset, inputSchemaId, pseudonymKeyId, review, chain);
    }

    @Override
    protected boolean hasCustomCoders() {
        return true;
    }

    @Override
    public void customEncode(Encoder out) throws IOException {
        AvroStrings.write(out, getEventId());
        AvroStrings.writeRepeated(out, getInputTopic());
        out.writeInt(getInputPartition());
        out.writeLong(getInputOffset());
        out.writeLong(getEventTime().toEpochMilli());
        AvroStrings.write(out, getCustomerIdHmac());
        writeOptionalRead(out, getJurisdiction());
        AvroStrings.writeRepeated(out, getEnforcementMode());
        writeStrings(out, getEventReasons());

        List<PurposeDecision> decisions = getDecisions();
        if (decisions instanceof DeliveredDecisions delivered) {
            writeArray(out, delivered.deliveries, HandEncodedDecisionRecord::writeDelivery);
        } else {
            writeArray(out, decisions, HandEncodedDecisionRecord::writeDecision);
        }

        AvroStrings.writeRepeated(out, getPolicyVersion());
        AvroStrings.writeRepeated(out, getPolicyHash());
        out.writeLong(getProcessedAt().toEpochMilli());
        out.writeInt(getConsentPartition());
        out.writeLong(getConsentOffset());
        out.writeLong(getDecidedAt().toEpochMilli());
        out.writeLong(getReroutedConsentOffset());
        out.writeInt(getInputSchemaId());
        writeOptional(out, getPseudonymKeyId());
        writeOptional(out, getReview(), HandEncodedDecisionRecord::writeReview);

        AuditChainLink chain = getChain();
        out.writeLong(chain.getSequence());
        out.writeFixed(chain.getPreviousHash().bytes(), 0, SHA256_SIZE);
        out.writeFixed(chain.getHash().bytes(), 0, SHA256_SIZE);
    }

    private static void writeDecision(Encoder out, PurposeDecision decision) throws IOException {
        AvroStrings.writeRepeated(out, decision.getPurpose());
        writeOptional(out, decision.getRule());
        out.writeEnum(decision.getDecision().ordinal());
        writeStrings(out, decision.getReasons());
        writeOptional(out, decision.getLegalBasis());

        writeOptional(out, decision.getConsentUsed(), HandEncodedDecisionRecord::writeConsent);
        writeFields(out, decision.getFields());
        writeOptional(out, decision.getOutputTopic());
    }

    private static void writeFields(Encoder out, List<FieldTreatment> fields) throws IOException {
        if (fields instanceof PreEncodedFields preEncoded) {
            out.writeFixed(preEncoded.encoding);
        } else {
            writeArray(out, fields, HandEncodedDecisionRecord::writeField);
        }
    }

    /**
     * One delivery's decision, written as {@link #writeDecision} writes the record {@code AuditRecords.purposeDecision}
     * makes of it, without making it: per event, those records, their reason lists and their consent records were
     * most of the audit record's building.
     */
    private static void writeDelivery(Encoder out, AuditRecords.Delivery delivery) throws IOException {
        dev.consentgate.policy.PurposeVerdict decision = delivery.decision();
        AvroStrings.writeRepeated(out, decision.purpose().key());
        writeOptional(out, decision.rule().isEmpty() ? null : decision.rule().get().purpose().key());
        out.writeEnum(AuditRecords.decision(decision.outcome()).ordinal());
        writeArray(out, decision.reasons(), HandEncodedDecisionRecord::writeReason);
        writeOptional(out, decision.basis() == null ? null : PolicyWords.word(decision.basis()));
        writeOptional(out, decision.consentUsed(), HandEncodedDecisionRecord::writeConsentState);
        writeFields(out, delivery.planned().auditFields());
        writeOptional(out, delivery.outputTopic());
    }

    /** A reviewer's decision: rare, and its reviewer and reason are free text, so nothing is kept. */
    private static void writeReview(Encoder out, ReviewOutcome review) throws IOException {
        AvroStrings.write(out, review.getReviewId());
        AvroStrings.writeRepeated(out, review.getAction());
        AvroStrings.write(out, review.getReviewer());
        AvroStrings.write(out, review.getReason());
        out.writeInt(review.getHeldAuditPartition());
        out.writeLong(review.getHeldAuditSequence());
        out.writeInt(review.getDecisionPartition());
        out.writeLong(review.getDecisionOffset());
    }

    private static void writeReason(Encoder out, ReasonCode reason) throws IOException {
        AvroStrings.writeRepeated(out, reason.name());
    }

    /** A consent state as {@link #writeConsent} writes the record {@code ConsentStates.toRecordUsed} makes of it. */
    private static void writeConsentState(Encoder out, ConsentState consent) throws IOException {
        writeOptional(out, consent.purpose() == null ? null : consent.purpose().key());
        AvroStrings.writeRepeated(out, consent.status().name());
        out.writeLong(consent.capturedAt());
        writeOptional(out, consent.expiresAt(), Encoder::writeLong);
        writeOptionalRead(out, consent.jurisdiction());
        writeOptionalRead(out, consent.source());
        writeOptionalRead(out, consent.noticeVersion());
        writeOptional(out, consent.consentId(), AvroStrings::write);
        writeOptional(out, consent.signal(), (encoder, signal) -> writeSignal(encoder, signal.kind(), signal.value(), signal.meaning()));
    }

    /**
     * An event's deliveries as the audit record's {@code decisions}: {@code customEncode} writes them straight from
     * the deliveries; anything else that reads the list gets the records {@code AuditRecords.purposeDecision} makes
     * of them.
     */
    static List<PurposeDecision> delivered(List<AuditRecords.Delivery> deliveries) {
        return new DeliveredDecisions(List.copyOf(deliveries));
    }

    /** An unmodifiable list of the records an event's deliveries make, made when read. */
    private static final class DeliveredDecisions extends AbstractList<PurposeDecision> implements RandomAccess {

        private final List<AuditRecords.Delivery> deliveries;

        private DeliveredDecisions(List<AuditRecords.Delivery> deliveries) {
            this.deliveries = deliveries;
        }

        @Override
        public PurposeDecision get(int index) {
            return AuditRecords.purposeDecision(deliveries.get(index));
        }

        @Override
        public int size() {
            return deliveries.size();
        }
    }

    /**
     * {@code fields} as a list that carries its own encoding, which {@code customEncode} copies instead of writing
     * the fields one string at a time. For the treatments of a field plan: fixed per plan, reported in the audit
     * record of every event the plan serves, and about a quarter of the audit record's bytes in the example policy.
     */
    static List<FieldTreatment> preEncoded(List<FieldTreatment> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            writeArray(out, fields, HandEncodedDecisionRecord::writeField);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return new PreEncodedFields(List.copyOf(fields), bytes.toByteArray());
    }

    /** An unmodifiable list of field treatments and their encoding as an Avro array. */
    private static final class PreEncodedFields extends AbstractList<FieldTreatment> implements RandomAccess {

        private final List<FieldTreatment> fields;
        private final byte[] encoding;

        private PreEncodedFields(List<FieldTreatment> fields, byte[] encoding) {
            this.fields = fields;
            this.encoding = encoding;
        }

        @Override
        public FieldTreatment get(int index) {
            return fields.get(index);
        }

        @Override
        public int size() {
            return fields.size();
        }
    }

    private static void writeField(Encoder out, FieldTreatment field) throws IOException {
        AvroStrings.writeRepeated(out, field.getField());
        AvroStrings.writeRepeated(out, field.getCategory());
        AvroStrings.writeRepeated(out, field.getAction());
    }

    private static void writeConsent(Encoder out, ConsentRecordUsed consent) throws IOException {
        writeOptional(out, consent.getPurpose());
        AvroStrings.writeRepeated(out, consent.getStatus());
        out.writeLong(consent.getCapturedAt().toEpochMilli());
        writeOptional(out, consent.getExpiresAt(), (encoder, expiresAt) -> encoder.writeLong(expiresAt.toEpochMilli()));
        writeOptionalRead(out, consent.getJurisdiction());
        writeOptionalRead(out, consent.getSource());
        writeOptionalRead(out, consent.getNoticeVersion());
        // One id per consent given: not worth keeping.
        writeOptional(out, consent.getConsentId(), AvroStrings::write);
        writeOptional(out, consent.getSignal(), (encoder, signal) -> writeSignal(encoder, signal.getKind(), signal.getValue(), signal.getMeaning()));
    }

    /** A statement's signal, read anew from the consent store for each record (so not {@code writeRepeated}). */
    private static void writeSignal(Encoder out, String kind, String value, String meaning) throws IOException {
        AvroStrings.write(out, kind);
        AvroStrings.write(out, value);
        AvroStrings.write(out, meaning);
    }

    /** An optional string, {@code ["null", "string"]}, of the few values that recur from record to record. */
    private static void writeOptional(Encoder out, String value) throws IOException {
        writeOptional(out, value, AvroStrings::writeRepeated);
    }

    /**
     * An optional string that recurs from record to record but is read anew for each (from the consent store, from the
     * customer's record): a new instance every time, which {@code AvroStrings.writeRepeated}, keeping encodings by
     * instance, would not find, and each would take the place of a policy string it keeps.
     */
    private static void writeOptionalRead(Encoder out, String value) throws IOException {
        writeOptional(out, value, AvroStrings::write);
    }

    /** An optional field, {@code ["null", T]}: the branch index, then the value if there is one. */
    private static <T> void writeOptional(Encoder out, T value, ValueWriter<T> valueWriter) throws IOException {
        if (value == null) {
            out.writeIndex(0);
            out.writeNull();
        } else {
            out.writeIndex(1);
            valueWriter.write(out, value);
        }
    }

    /** Reason names: constants. */
    private static void writeStrings(Encoder out, List<String> values) throws IOException {
        writeArray(out, values, AvroStrings::writeRepeated);
    }

    /** How one value (an array's item, an optional field's value) is written. */
    @FunctionalInterface
    private interface ValueWriter<T> {
        void write(Encoder out, T value) throws IOException;
    }

    /** An array as one block: its size, its items, then 0. */
    private static <T> void writeArray(Encoder out, List<T> items, ValueWriter<T> itemWriter) throws IOException {
        long size = items.size();
        out.writeArrayStart();
        out.setItemCount(size);
        long written = 0;
        for (T item : items) {
            out.startItem();
            itemWriter.write(out, item);
            written++;
        }
        out.writeArrayEnd();
        // As Avro's writers do: an array that changed while it was written has a wrong count in front of it.
        if (size != written) {
            throw new ConcurrentModificationException("Array-size written was " + size + ", but element count was " + written + ".");
        }
    }
}
