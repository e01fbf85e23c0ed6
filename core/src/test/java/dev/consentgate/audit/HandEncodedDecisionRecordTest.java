package dev.consentgate.audit;

import dev.consentgate.output.OutputPlans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.FieldPlan;
import dev.consentgate.policy.LegalBasis;
import dev.consentgate.policy.MissingConsentAction;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.SignalOrigin;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.policy.ReasonCode;
import dev.consentgate.schema.AuditChainLink;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.schema.ReviewOutcome;
import dev.consentgate.schema.SignalUsed;
import dev.consentgate.serde.ConfluentAvroSerde;
import dev.consentgate.serde.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HandEncodedDecisionRecord} writes the bytes Avro's {@code SpecificDatumWriter} writes for the same
 * values in an ordinary {@link DecisionRecord}, walking the schema field by field with custom coders off.
 *
 * <p>Records come from a seeded {@link Random} that fills every field by walking {@code DecisionRecord.SCHEMA$},
 * nested records included: a field added to the audit schema gets random values here, and the bytes differ until
 * the encoder writes it. A failure names its seed, which replays it exactly; {@code -Dconsentgate.test.seed=N}
 * starts the run at another seed. The run checks it covered what it claims to: null and non-null in every optional
 * field, empty and multi-element arrays, every enum symbol, empty and non-ASCII strings, negative and large numbers
 * and timestamps.
 */
class HandEncodedDecisionRecordTest {

    private static final int RECORDS = 1_000;
    private static final long FIRST_SEED = Long.getLong("consentgate.test.seed", 20_251_123L);
    private static final Schema SCHEMA = DecisionRecord.getClassSchema();
    private static final String SCOPE = "hand-encoded-decision-record-test";
    private static final String TOPIC = "consent.audit";

    /** Avro's own writing: the generated class's conversions, custom coders off whatever the system property says. */
    private static final SpecificData AVRO = new SpecificData();

    static {
        SpecificData.getForClass(DecisionRecord.class).getConversions().forEach(AVRO::addLogicalTypeConversion);
        AVRO.setCustomCoders(false);
    }

    @AfterAll
    static void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void theAuditSchemaHasTheFieldsTheEncoderWrites() {
        String addIt = "a field was added to the audit schema: write it in HandEncodedDecisionRecord.customEncode, then list it here";
        assertThat(fieldNames(DecisionRecord.getClassSchema())).as(addIt).containsExactly(
                "eventId", "inputTopic", "inputPartition", "inputOffset", "eventTime", "customerIdHmac", "jurisdiction",
                "enforcementMode", "eventReasons", "decisions", "policyVersion", "policyHash", "processedAt",
                "consentPartition", "consentOffset", "decidedAt", "reroutedConsentOffset", "inputSchemaId",
                "pseudonymKeyId", "review", "chain");
        assertThat(fieldNames(PurposeDecision.getClassSchema())).as(addIt).containsExactly(
                "purpose", "rule", "decision", "reasons", "legalBasis", "consentUsed", "fields", "outputTopic");
        assertThat(fieldNames(ConsentRecordUsed.getClassSchema())).as(addIt).containsExactly(
                "purpose", "status", "capturedAt", "expiresAt", "jurisdiction", "source", "noticeVersion", "consentId", "signal");
        assertThat(fieldNames(SignalUsed.getClassSchema())).as(addIt).containsExactly("kind", "value", "meaning");
        assertThat(fieldNames(FieldTreatment.getClassSchema())).as(addIt).containsExactly("field", "category", "action");
        assertThat(fieldNames(ReviewOutcome.getClassSchema())).as(addIt).containsExactly("reviewId", "action", "reviewer", "reason",
                "heldAuditPartition", "heldAuditSequence", "decisionPartition", "decisionOffset");
        assertThat(fieldNames(AuditChainLink.getClassSchema())).as(addIt).containsExactly("sequence", "previousHash", "hash");
    }

    @Test
    void randomRecordsAreWrittenToTheBytesAvroWrites() throws IOException {
        // Given
        ConfluentAvroSerde serde = new ConfluentAvroSerde(InMemorySchemaRegistry.scope(SCOPE), false, true, false);
        DatumWriter<DecisionRecord> avro = new SpecificDatumWriter<>(SCHEMA, AVRO);
        // Another serde, one that leaves custom coders off, writes the record field by field, with the model Avro finds for its class.
        DatumWriter<DecisionRecord> customCodersOff =
                new SpecificDatumWriter<>(SCHEMA, SpecificData.getForClass(HandEncodedDecisionRecord.class));
        Set<String> covered = new TreeSet<>();

        for (int i = 0; i < RECORDS; i++) {
            long seed = FIRST_SEED + i;
            DecisionRecord plain = (DecisionRecord) new RandomValues(new Random(seed), covered).of(SCHEMA, "");
            HandEncodedDecisionRecord hand = handEncoded(plain);
            String which = "record from seed " + seed + " (rerun with -Dconsentgate.test.seed=" + seed + "): " + plain;

            // When
            byte[] expected = encode(avro, plain);
            byte[] direct = encode(hand);
            byte[] framed = serde.serializer().serialize(TOPIC, hand);
            byte[] fallback = encode(customCodersOff, hand);
            byte[] fieldsPreEncoded = encode(handEncoded(withPreEncodedFields(plain)));

            // Then
            assertThat(direct).as(which).isEqualTo(expected);
            assertThat(Arrays.copyOfRange(framed, 5, framed.length)).as("through the serde: " + which).isEqualTo(expected);
            assertThat(fallback).as("custom coders off: " + which).isEqualTo(expected);
            assertThat(fieldsPreEncoded).as("fields pre-encoded: " + which).isEqualTo(expected);
        }
        assertThat(covered).as("what the random records covered").containsAll(RandomValues.toCover(SCHEMA, ""));
    }

    @Test
    void decisionsKeptAsTheirDeliveriesAreWrittenToTheBytesAvroWritesForTheRecordsTheyMake() throws IOException {
        // Given
        DatumWriter<DecisionRecord> avro = new SpecificDatumWriter<>(SCHEMA, AVRO);
        Set<String> covered = new TreeSet<>();

        for (int i = 0; i < RECORDS; i++) {
            long seed = FIRST_SEED + i;
            RandomValues values = new RandomValues(new Random(seed), covered);
            DecisionRecord plain = (DecisionRecord) values.of(SCHEMA, "");
            List<AuditRecords.Delivery> deliveries = new RandomDeliveries(values).deliveries();
            // Avro, walking the schema, reads each decision from the list: the record AuditRecords makes of its delivery.
            plain.setDecisions(HandEncodedDecisionRecord.delivered(deliveries));
            String which = "record from seed " + seed + " (rerun with -Dconsentgate.test.seed=" + seed + "): " + plain;

            // When
            byte[] expected = encode(avro, plain);
            byte[] direct = encode(handEncoded(plain));

            // Then
            assertThat(direct).as(which).isEqualTo(expected);
        }
        assertThat(covered).as("what the random deliveries covered").containsAll(RandomDeliveries.TO_COVER);
    }

    @Test
    void decisionsKeptAsTheirDeliveriesReadAsTheRecordsTheyMakeAndCannotBeChanged() {
        ConsentState consent = new ConsentState(Purpose.of("marketing"), ConsentChoice.GRANTED, 1_700_000_000_000L, null, "EU",
                "web-banner", "notice-3", "cmp-1");
        dev.consentgate.policy.PurposeVerdict decision = new dev.consentgate.policy.PurposeVerdict(
                Purpose.of("marketing.communications.email"), Optional.of(RandomDeliveries.rule(Purpose.of("marketing"))),
                Verdict.PERMIT, List.of(ReasonCode.CONSENT_GRANTED, ReasonCode.CONSENT_INHERITED), LegalBasis.CONSENT, consent);
        AuditRecords.Delivery delivery = new AuditRecords.Delivery(decision, OutputPlans.PlannedOutput.NONE, "crm.purpose.marketing");

        List<PurposeDecision> decisions = HandEncodedDecisionRecord.delivered(List.of(delivery));

        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0).getRule()).isEqualTo("marketing");
        assertThat(decisions.get(0).getReasons()).containsExactly("CONSENT_GRANTED", "CONSENT_INHERITED");
        assertThat(decisions.get(0).getConsentUsed().getCapturedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decisions.get(0).getOutputTopic()).isEqualTo("crm.purpose.marketing");
        assertThatThrownBy(() -> decisions.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMissingValueInARequiredFieldFailsAsItFailsInAvro() {
        DecisionRecord plain = (DecisionRecord) new RandomValues(new Random(FIRST_SEED), new TreeSet<>()).of(SCHEMA, "");
        for (Schema.Field field : SCHEMA.getFields()) {
            if (field.schema().getType() == Schema.Type.UNION || field.schema().getType() == Schema.Type.INT
                    || field.schema().getType() == Schema.Type.LONG && field.schema().getLogicalType() == null) {
                continue; // optional, or a primitive that cannot be null
            }
            DecisionRecord withNull = DecisionRecord.newBuilder(plain).build();
            withNull.put(field.pos(), null);

            assertThatThrownBy(() -> encode(new SpecificDatumWriter<>(SCHEMA, AVRO), withNull)).as(field.name())
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> encode(handEncoded(withNull))).as(field.name()).isInstanceOf(NullPointerException.class);
        }
    }

    private static HandEncodedDecisionRecord handEncoded(DecisionRecord plain) {
        return new HandEncodedDecisionRecord(plain.getEventId(), plain.getInputTopic(), plain.getInputPartition(),
                plain.getInputOffset(), plain.getEventTime(), plain.getCustomerIdHmac(), plain.getJurisdiction(),
                plain.getEnforcementMode(), plain.getEventReasons(), plain.getDecisions(), plain.getPolicyVersion(),
                plain.getPolicyHash(), plain.getProcessedAt(), plain.getConsentPartition(), plain.getConsentOffset(),
                plain.getDecidedAt(), plain.getReroutedConsentOffset(), plain.getInputSchemaId(), plain.getPseudonymKeyId(), plain.getReview(), plain.getChain());
    }

    @Test
    void preEncodedFieldsReadAsTheListTheyWereMadeFromAndCannotBeChanged() {
        List<FieldTreatment> fields = List.of(new FieldTreatment("email", "user.contact.email", "remove"),
                new FieldTreatment("postalCode", "user.contact.address.postal_code", "generalize"));

        List<FieldTreatment> preEncoded = HandEncodedDecisionRecord.preEncoded(fields);

        assertThat(preEncoded).isEqualTo(fields).hasSize(2);
        assertThat(preEncoded.get(1).getAction()).isEqualTo("generalize");
        assertThatThrownBy(() -> preEncoded.add(fields.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    /** The record with every decision's fields as the audit's field plans give them: a list carrying its encoding. */
    private static DecisionRecord withPreEncodedFields(DecisionRecord plain) {
        List<PurposeDecision> decisions = new ArrayList<>();
        for (PurposeDecision d : plain.getDecisions()) {
            decisions.add(new PurposeDecision(d.getPurpose(), d.getRule(), d.getDecision(), d.getReasons(), d.getLegalBasis(),
                    d.getConsentUsed(), HandEncodedDecisionRecord.preEncoded(d.getFields()), d.getOutputTopic()));
        }
        DecisionRecord copy = DecisionRecord.newBuilder(plain).build();
        copy.setDecisions(decisions);
        return copy;
    }

    private static List<String> fieldNames(Schema record) {
        return record.getFields().stream().map(Schema.Field::name).toList();
    }

    private static byte[] encode(DatumWriter<DecisionRecord> writer, DecisionRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] encode(HandEncodedDecisionRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        record.customEncode(encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * Random values of the generated classes for any schema made of the types the audit schema uses; another type
     * fails, so a new kind of field is noticed here too. Notes what it produced in {@code covered}, as
     * {@link #toCover} names it.
     */
    private record RandomValues(Random random, Set<String> covered) {

        private static final String[] WORDS = {
            "", "a", "PERMIT", "marketing.communications.email", "ä", "Straße", "中文字段", "😀 emoji", "שלום", "naïve café",
            "\u0000nul", "\uD800 lone surrogate", "tab\tand\nnewline",
        };
        private static final long[] LONGS = {
            0, 1, -1, 63, 64, -64, -65, 8_191, 8_192, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 35, -(1L << 35),
            Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L, -62_135_596_800_000L,
        };

        /** Every observation a thorough run makes for a value of {@code schema} at {@code path}. */
        static Set<String> toCover(Schema schema, String path) {
            Set<String> names = new TreeSet<>();
            switch (schema.getType()) {
                case RECORD -> schema.getFields().forEach(f -> names.addAll(toCover(f.schema(), path + "." + f.name())));
                case UNION -> {
                    names.add(path + " null");
                    names.add(path + " present");
                    names.addAll(toCover(schema.getTypes().get(1), path));
                }
                case ARRAY -> {
                    names.add(path + " empty");
                    names.add(path + " several");
                    names.addAll(toCover(schema.getElementType(), path + "[]"));
                }
                case ENUM -> schema.getEnumSymbols().forEach(symbol -> names.add(path + " " + symbol));
                case STRING -> {
                    names.add(path + " empty");
                    names.add(path + " non-ASCII");
                }
                case INT, LONG -> {
                    names.add(path + " negative");
                    names.add(path + " large");
                }
                case FIXED -> names.add(path + " present");
                default -> throw new IllegalStateException("the test has no values for " + schema.getType() + " at " + path + ": add them");
            }
            return names;
        }

        Object of(Schema schema, String path) {
            return switch (schema.getType()) {
                case RECORD -> record(schema, path);
                case UNION -> {
                    List<Schema> branches = schema.getTypes();
                    if (branches.size() != 2 || branches.get(0).getType() != Schema.Type.NULL) {
                        throw new IllegalStateException("the test has no values for the union " + schema + " at " + path + ": add them");
                    }
                    boolean isNull = random.nextInt(3) == 0;
                    covered.add(path + (isNull ? " null" : " present"));
                    yield isNull ? null : of(branches.get(1), path);
                }
                case ARRAY -> {
                    int size = switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> 1;
                        default -> 2 + random.nextInt(3);
                    };
                    covered.add(path + (size == 0 ? " empty" : size >= 2 ? " several" : " one"));
                    List<Object> items = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        items.add(of(schema.getElementType(), path + "[]"));
                    }
                    yield items;
                }
                case ENUM -> {
                    String symbol = schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size()));
                    covered.add(path + " " + symbol);
                    yield SpecificData.get().createEnum(symbol, schema);
                }
                case FIXED -> {
                    byte[] bytes = new byte[schema.getFixedSize()];
                    random.nextBytes(bytes);
                    covered.add(path + " present");
                    yield SpecificData.get().createFixed(null, bytes, schema);
                }
                case STRING -> string(path);
                case INT -> (int) number(path, true);
                case LONG -> {
                    if (schema.getLogicalType() == null) {
                        yield number(path, false);
                    }
                    if (!(schema.getLogicalType() instanceof LogicalTypes.TimestampMillis)) {
                        throw new IllegalStateException("the test has no values for " + schema.getLogicalType().getName() + " at " + path + ": add them");
                    }
                    long millis = number(path, false);
                    // Now and then an instant with nanoseconds, which the millisecond timestamp truncates.
                    yield random.nextInt(8) == 0 && Math.abs(millis) < Long.MAX_VALUE / 2
                            ? Instant.ofEpochMilli(millis).plusNanos(random.nextInt(1_000_000)) : Instant.ofEpochMilli(millis);
                }
                default -> throw new IllegalStateException("the test has no values for " + schema.getType() + " at " + path + ": add them");
            };
        }

        private SpecificRecordBase record(Schema schema, String path) {
            SpecificRecordBase record = (SpecificRecordBase) SpecificData.get().newRecord(null, schema);
            if (record.getClass() == HandEncodedDecisionRecord.class || !record.getClass().getName().equals(schema.getFullName())) {
                throw new IllegalStateException("expected the generated class of " + schema.getFullName() + ", got " + record.getClass());
            }
            for (Schema.Field field : schema.getFields()) {
                record.put(field.pos(), of(field.schema(), path + "." + field.name()));
            }
            return record;
        }

        private String string(String path) {
            String value = switch (random.nextInt(6)) {
                case 0 -> WORDS[random.nextInt(WORDS.length)];
                case 1 -> {
                    // Long enough for a two-byte length, with characters of every UTF-8 length.
                    StringBuilder text = new StringBuilder();
                    int length = 60 + random.nextInt(200);
                    while (text.length() < length) {
                        text.append(WORDS[random.nextInt(WORDS.length)]);
                    }
                    yield text.toString();
                }
                case 2 -> "";
                default -> {
                    char[] chars = new char[random.nextInt(24)];
                    for (int i = 0; i < chars.length; i++) {
                        chars[i] = random.nextInt(4) == 0 ? (char) random.nextInt(Character.MAX_VALUE + 1) : (char) (' ' + random.nextInt(95));
                    }
                    yield new String(chars);
                }
            };
            if (value.isEmpty()) {
                covered.add(path + " empty");
            }
            if (value.chars().anyMatch(c -> c > 127)) {
                covered.add(path + " non-ASCII");
            }
            return value;
        }

        /** A long, or, narrowed, an int: edge values of the varint encoding, small, int-sized and long-sized ones. */
        private long number(String path, boolean isInt) {
            long value = switch (random.nextInt(4)) {
                case 0 -> LONGS[random.nextInt(LONGS.length)];
                case 1 -> random.nextLong();
                case 2 -> random.nextInt();
                default -> random.nextInt(2_000) - 1_000;
            };
            if (isInt) {
                value = (int) value;
            }
            if (value < 0) {
                covered.add(path + " negative");
            }
            // Large: five bytes or more as a varint for an int, more than an int holds for a long.
            if (isInt ? Math.abs(value) >= 1L << 28 : value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
                covered.add(path + " large");
            }
            return value;
        }
    }

    /**
     * Random deliveries: every outcome, reason, legal basis and consent status, with and without a rule, a consent,
     * each of the consent's optional fields and an output topic, the fields of a plan pre-encoded or not. Free text
     * and numbers come from {@link RandomValues}, so they have its edge values.
     */
    private record RandomDeliveries(RandomValues values) {

        static final Set<String> TO_COVER = toCover();

        private static Set<String> toCover() {
            Set<String> names = new TreeSet<>(List.of("deliveries empty", "deliveries several", "rule empty", "rule present",
                    "reasons empty", "reasons several", "basis null", "consent null", "consent present", "consent.purpose null",
                    "consent.purpose present", "consent.expiresAt null", "consent.expiresAt present", "fields pre-encoded",
                    "fields plain", "outputTopic null", "outputTopic present", "consent.capturedAt negative",
                    "consent.capturedAt large", "consent.consentId non-ASCII", "consent.source empty"));
            for (String field : List.of("jurisdiction", "source", "noticeVersion", "consentId")) {
                names.add("consent." + field + " null");
                names.add("consent." + field + " present");
            }
            Arrays.stream(Verdict.values()).forEach(o -> names.add("outcome " + o));
            Arrays.stream(ReasonCode.values()).forEach(r -> names.add("reason " + r));
            Arrays.stream(LegalBasis.values()).forEach(b -> names.add("basis " + b));
            Arrays.stream(ConsentChoice.values()).forEach(c -> names.add("consent.status " + c));
            return names;
        }

        static PurposeRule rule(Purpose purpose) {
            return new PurposeRule(purpose, LegalBasis.CONSENT, MissingConsentAction.DROP, Set.of(), Set.of(), Map.of(),
                    "crm.purpose." + purpose.key(), 1);
        }

        List<AuditRecords.Delivery> deliveries() {
            int size = random().nextInt(4);
            values.covered().add(size == 0 ? "deliveries empty" : size >= 2 ? "deliveries several" : "deliveries one");
            List<AuditRecords.Delivery> deliveries = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                deliveries.add(delivery());
            }
            return deliveries;
        }

        private AuditRecords.Delivery delivery() {
            Purpose purpose = purpose();
            Optional<PurposeRule> rule = random().nextInt(4) == 0 ? Optional.empty() : Optional.of(rule(random().nextBoolean() ? purpose : purpose()));
            note(rule.isEmpty() ? "rule empty" : "rule present");
            Verdict outcome = pick(Verdict.values());
            note("outcome " + outcome);
            List<ReasonCode> reasons = new ArrayList<>();
            for (int i = random().nextInt(4); i > 0; i--) {
                ReasonCode reason = pick(ReasonCode.values());
                note("reason " + reason);
                reasons.add(reason);
            }
            note(reasons.isEmpty() ? "reasons empty" : reasons.size() >= 2 ? "reasons several" : "reasons one");
            LegalBasis basis = random().nextInt(5) == 0 ? null : pick(LegalBasis.values());
            note(basis == null ? "basis null" : "basis " + basis);
            ConsentState consent = random().nextInt(3) == 0 ? null : consent();
            note(consent == null ? "consent null" : "consent present");
            @SuppressWarnings("unchecked")
            List<FieldTreatment> fields = (List<FieldTreatment>) values.of(PurposeDecision.getClassSchema().getField("fields").schema(), "fields");
            boolean preEncoded = random().nextBoolean();
            note(preEncoded ? "fields pre-encoded" : "fields plain");
            String outputTopic = random().nextInt(3) == 0 ? null : values.of(Schema.create(Schema.Type.STRING), "outputTopic").toString();
            note(outputTopic == null ? "outputTopic null" : "outputTopic present");
            dev.consentgate.policy.PurposeVerdict decision = new dev.consentgate.policy.PurposeVerdict(purpose, rule, outcome, reasons, basis, consent);
            OutputPlans.PlannedOutput planned = new OutputPlans.PlannedOutput(FieldPlan.UNCHANGED, null,
                    preEncoded ? HandEncodedDecisionRecord.preEncoded(fields) : fields, false);
            return new AuditRecords.Delivery(decision, planned, outputTopic);
        }

        private ConsentState consent() {
            Purpose purpose = random().nextInt(4) == 0 ? null : purpose();
            note(purpose == null ? "consent.purpose null" : "consent.purpose present");
            ConsentChoice status = pick(ConsentChoice.values());
            note("consent.status " + status);
            long capturedAt = (long) values.of(Schema.create(Schema.Type.LONG), "consent.capturedAt");
            Long expiresAt = random().nextBoolean() ? null : (Long) values.of(Schema.create(Schema.Type.LONG), "consent.expiresAt");
            note(expiresAt == null ? "consent.expiresAt null" : "consent.expiresAt present");
            return new ConsentState(purpose, status, capturedAt, expiresAt, text("consent.jurisdiction"), text("consent.source"),
                    text("consent.noticeVersion"), text("consent.consentId"), signal());
        }

        /** Null now and then, else a signal of random text. */
        private SignalOrigin signal() {
            boolean isNull = random().nextInt(3) == 0;
            note("consent.signal" + (isNull ? " null" : " present"));
            return isNull ? null : new SignalOrigin(values.of(Schema.create(Schema.Type.STRING), "consent.signal.kind").toString(),
                    values.of(Schema.create(Schema.Type.STRING), "consent.signal.value").toString(),
                    values.of(Schema.create(Schema.Type.STRING), "consent.signal.meaning").toString());
        }

        /** Null now and then, else random text noted under {@code path}. */
        private String text(String path) {
            boolean isNull = random().nextInt(3) == 0;
            note(path + (isNull ? " null" : " present"));
            return isNull ? null : values.of(Schema.create(Schema.Type.STRING), path).toString();
        }

        /** A dotted key of one to three random lowercase words: what a purpose may be. */
        private Purpose purpose() {
            StringBuilder key = new StringBuilder();
            for (int i = random().nextInt(3); i >= 0; i--) {
                key.append(key.isEmpty() ? "" : ".").append((char) ('a' + random().nextInt(26))).append(random().nextInt(100));
            }
            return Purpose.of(key.toString());
        }

        private <T> T pick(T[] choices) {
            return choices[random().nextInt(choices.length)];
        }

        private Random random() {
            return values.random();
        }

        private void note(String observation) {
            values.covered().add(observation);
        }
    }
}
