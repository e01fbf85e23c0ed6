package dev.consentgate.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.SignalOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * One customer's history, the consent store's value: what it answers depends on the statements added, never
 * on the order they came in, and survives its own encoding (what a restart or a restore reads back).
 */
class CustomerHistoryTest {

    private static final long NO_CUTOFF = Long.MIN_VALUE;

    @Test
    void aLateStatementIsPlacedByItsCaptureTime() {
        CustomerHistory history = new CustomerHistory();
        history.add(state("marketing", ConsentChoice.GRANTED, 1_000, "EU"), NO_CUTOFF);
        history.add(state("marketing", ConsentChoice.WITHDRAWN, 3_000, null), NO_CUTOFF);
        history.add(state("marketing", ConsentChoice.DENIED, 1_500, "US-CA"), NO_CUTOFF);

        assertThat(history.at("marketing", 999)).isNull();
        assertThat(history.at("marketing", 1_200).status()).isEqualTo(ConsentChoice.GRANTED);
        assertThat(history.at("marketing", 2_000).status()).isEqualTo(ConsentChoice.DENIED);
        assertThat(history.at("marketing", 3_000).status()).isEqualTo(ConsentChoice.WITHDRAWN);
        assertThat(history.knownAt(999)).isFalse();
        assertThat(history.knownAt(1_000)).isTrue();
        assertThat(history.jurisdictionAt(1_200)).isEqualTo("EU");
        assertThat(history.jurisdictionAt(2_000)).isEqualTo("US-CA");
        // The withdrawal carried none: the customer keeps the one they had
        assertThat(history.jurisdictionAt(5_000)).isEqualTo("US-CA");
    }

    @Test
    void twoStatementsAboutOnePurposeAtOneInstantKeepTheMoreRestrictiveWhicheverCameFirst() {
        for (boolean grantFirst : new boolean[] {true, false}) {
            CustomerHistory history = new CustomerHistory();
            ConsentState grant = state("marketing", ConsentChoice.GRANTED, 1_000, "US-CA");
            ConsentState denial = state("marketing", ConsentChoice.DENIED, 1_000, "EU");
            history.add(grantFirst ? grant : denial, NO_CUTOFF);
            history.add(grantFirst ? denial : grant, NO_CUTOFF);

            assertThat(history.at("marketing", 1_000)).isEqualTo(denial);
            assertThat(history.statements()).containsExactly(denial);
            // Two jurisdictions at one instant are a tie, the customer under both, whichever came first
            assertThat(history.jurisdictionAt(1_000)).isEqualTo("EU,US-CA");
        }
    }

    /**
     * A build before ties kept the jurisdiction that sorts first; the statements it stored still carry both. Read back, the
     * value judges the customer under the tie, as a history rebuilt from the consent topic does: a restored task and a
     * replay must agree.
     */
    @Test
    void aTieStoredAsOneJurisdictionByAnEarlierBuildReadsBackAsTheTieItsStatementsMake() {
        ConsentState reporting = state("analytics.reporting", ConsentChoice.GRANTED, 1_000, "US-CA");
        ConsentState email = state("marketing.communications.email", ConsentChoice.GRANTED, 1_000, "US-TX");

        CustomerHistory read = CustomerHistory.of(List.of(reporting, email), List.of(new CustomerHistory.JurisdictionAt(1_000, "US-CA")));

        CustomerHistory applied = new CustomerHistory();
        applied.add(reporting, NO_CUTOFF);
        applied.add(email, NO_CUTOFF);
        assertThat(read.jurisdictionAt(1_000)).isEqualTo("US-CA,US-TX");
        assertThat(read).isEqualTo(applied);
    }

    @Test
    void pruningKeepsWhatTheCutOffCanStillSeeAndTheCustomerStaysKnown() {
        CustomerHistory history = new CustomerHistory();
        history.add(state("marketing", ConsentChoice.GRANTED, 1_000, "EU"), NO_CUTOFF);
        history.add(state("marketing", ConsentChoice.WITHDRAWN, 2_000, null), NO_CUTOFF);
        history.add(state("analytics", ConsentChoice.GRANTED, 2_500, null), NO_CUTOFF);
        history.add(state("marketing", ConsentChoice.GRANTED, 9_000, null), 5_000);

        // The grant at 1,000 was replaced before the cut-off: nothing from 5,000 on can see it
        assertThat(history.statements()).extracting(s -> s.purpose().key() + "@" + s.capturedAt())
                .containsExactlyInAnyOrder("marketing@2000", "marketing@9000", "analytics@2500");
        assertThat(history.at("marketing", 5_000).status()).isEqualTo(ConsentChoice.WITHDRAWN);
        assertThat(history.jurisdictionAt(5_000)).isEqualTo("EU");
        assertThat(history.knownAt(5_000)).isTrue();
        assertThat(history.jurisdictions()).extracting(CustomerHistory.JurisdictionAt::at).containsExactly(1_000L, 2_500L, 9_000L);
    }

    @Test
    void aLapsedGrantGivesWayToTheRefusalItSuspendedButNeverToAnEarlierGrant() {
        CustomerHistory history = new CustomerHistory();
        history.add(state("marketing", ConsentChoice.DENIED, 1_000, "EU"), NO_CUTOFF);
        history.add(grant("marketing", 2_000, 3_000L), NO_CUTOFF);
        history.add(grant("marketing", 2_500, 4_000L), NO_CUTOFF);
        history.add(state("analytics", ConsentChoice.WITHDRAWN, 1_000, null), NO_CUTOFF);
        history.add(state("analytics", ConsentChoice.GRANTED, 1_500, null), NO_CUTOFF);
        history.add(grant("analytics", 2_000, 3_000L), NO_CUTOFF);

        assertThat(history.inForce(List.of("marketing"), 3_500)).isEqualTo(grant("marketing", 2_500, 4_000L));
        assertThat(history.inForce(List.of("marketing"), 4_000)).isEqualTo(state("marketing", ConsentChoice.DENIED, 1_000, "EU"));
        assertThat(history.inForce(List.of("marketing.communications", "marketing"), 4_000).status()).isEqualTo(ConsentChoice.DENIED);
        // The grant without expiry at 1,500 ended the withdrawal; the lapsed grant after it is the last word
        assertThat(history.inForce(List.of("analytics"), 3_000)).isEqualTo(grant("analytics", 2_000, 3_000L));
    }

    /**
     * A broad grant without expiry given at the same instant as a lapsed specific one ended the broad denial before it; pruning
     * drops that denial, so looking past the instant would answer differently before and after the cut-off moved.
     */
    @Test
    void aGrantThatHoldsAtTheInstantOfALapsedOneEndsTheSearchWhetherOrNotTheHistoryWasPruned() {
        List<String> email = List.of("marketing.communications", "marketing");
        CustomerHistory unpruned = new CustomerHistory();
        CustomerHistory pruned = new CustomerHistory();
        for (CustomerHistory history : List.of(unpruned, pruned)) {
            history.add(state("marketing", ConsentChoice.DENIED, 1_000, "EU"), NO_CUTOFF);
            history.add(grant("marketing", 2_000, null), NO_CUTOFF);
            history.add(grant("marketing.communications", 2_000, 3_000L), NO_CUTOFF);
        }
        pruned.add(state("analytics", ConsentChoice.GRANTED, 8_000, null), 5_000);

        assertThat(pruned.statements()).extracting(s -> s.purpose().key() + "@" + s.capturedAt())
                .containsExactlyInAnyOrder("marketing@2000", "marketing.communications@2000", "analytics@8000");
        for (CustomerHistory history : List.of(unpruned, pruned)) {
            assertThat(history.inForce(email, 9_000)).isEqualTo(grant("marketing.communications", 2_000, 3_000L));
        }
    }

    /** Two grants at one instant: the one lapsing first is in force, the other still holds after it and ends the look-back. */
    @Test
    void aTimeLimitedAndAnOpenGrantAtOneInstantAnswerTheSameInEitherOrderPrunedOrNot() {
        ConsentState denial = state("marketing", ConsentChoice.DENIED, 1_000, null);
        ConsentState open = grant("marketing", 2_000, null);
        ConsentState limited = grant("marketing", 2_000, 3_000L);
        ConsentState later = grant("analytics", 10_000, null);

        for (List<ConsentState> order : List.of(List.of(denial, open, later, limited), List.of(denial, limited, open, later))) {
            assertThat(replay(order, 5_000).inForce(List.of("marketing"), 2_500)).as("%s", order).isEqualTo(limited);
            assertThat(replay(order, 5_000).inForce(List.of("marketing"), 6_000)).as("%s", order).isEqualTo(limited);
            assertThat(replay(order, Long.MAX_VALUE / 2).inForce(List.of("marketing"), 6_000)).as("%s", order).isEqualTo(limited);
        }
    }

    /** A grant pruned as lapsed by the cut-off, then an open grant captured at its instant arriving late: as if it had come first. */
    @Test
    void anOpenGrantArrivingAtTheInstantOfAPrunedLapsedGrantAnswersAsIfItHadComeFirst() {
        ConsentState denial = state("marketing", ConsentChoice.DENIED, 1_000, null);
        ConsentState lapsed = grant("marketing", 2_000, 3_000L);
        ConsentState renewal = grant("marketing", 4_000, 20_000L);
        ConsentState later = grant("analytics", 10_000, null);
        ConsentState open = grant("marketing", 2_000, null);

        List<ConsentState> openLate = List.of(denial, lapsed, renewal, later, open);
        for (List<ConsentState> order : List.of(openLate, List.of(denial, lapsed, open, renewal, later))) {
            assertThat(replay(order, 5_000).inForce(List.of("marketing"), 25_000)).as("%s", order).isEqualTo(renewal);
            assertThat(replay(order, Long.MAX_VALUE / 2).inForce(List.of("marketing"), 25_000)).as("%s", order).isEqualTo(renewal);
            // What the store holds too, not only what it answers: its changelog and a replay's history agree
            assertThat(replay(order, 5_000).statements()).as("%s", order).containsExactlyInAnyOrder(open, renewal, later);
        }
    }

    @Test
    void dailyRenewalsOfAGrantKeepTheHistoryShort() {
        long day = 86_400_000L;
        for (boolean sameEnd : new boolean[] {true, false}) {
            CustomerHistory history = new CustomerHistory();
            history.add(state("marketing", ConsentChoice.DENIED, 0, null), NO_CUTOFF);
            for (int d = 1; d <= 1_000; d++) {
                // Each valid to one far-off date, or for a year from the day it was given
                history.add(grant("marketing", d * day, sameEnd ? 5_000 * day : (d + 365) * day), (d - 1) * day);
            }

            assertThat(history.statements()).extracting(ConsentState::capturedAt).containsExactly(0L, 999 * day, 1_000 * day);
            assertThat(history.inForce(List.of("marketing"), 5_000 * day).status()).isEqualTo(ConsentChoice.DENIED);
        }
    }

    @Test
    void pruningKeepsTheRefusalLapsingGrantsSuspendedAndDropsTheGrantsPassedOverInBetween() {
        CustomerHistory history = new CustomerHistory();
        history.add(state("marketing", ConsentChoice.GRANTED, 500, null), NO_CUTOFF);
        history.add(state("marketing", ConsentChoice.DENIED, 1_000, null), NO_CUTOFF);
        history.add(grant("marketing", 2_000, 3_000L), NO_CUTOFF);
        history.add(grant("marketing", 2_500, 8_000L), NO_CUTOFF);
        history.add(grant("marketing", 2_900, 9_500L), NO_CUTOFF);
        history.add(grant("marketing", 3_500, 9_000L), NO_CUTOFF);
        history.add(state("analytics", ConsentChoice.GRANTED, 8_000, null), 5_000);

        // Lapsed by the cut-off (2,000) or before a grant captured after it lapses (2,500): passed over at every later time
        assertThat(history.statements()).extracting(s -> s.purpose().key() + "@" + s.capturedAt())
                .containsExactlyInAnyOrder("marketing@1000", "marketing@2900", "marketing@3500", "analytics@8000");
        assertThat(history.inForce(List.of("marketing"), 9_000)).isEqualTo(grant("marketing", 3_500, 9_000L));
        assertThat(history.inForce(List.of("marketing"), 9_500).status()).isEqualTo(ConsentChoice.DENIED);
    }

    @Test
    void anyOrderOfTheSameStatementsGivesTheSameAnswersAtEveryTimeFromTheCutOffOn() {
        Random random = new Random(20261205);
        String[] keys = {"marketing", "marketing.communications", "analytics", CustomerHistory.ERASURE};
        List<List<String>> purposes = List.of(List.of("marketing.communications", "marketing"), List.of("marketing"), List.of("analytics"));
        String[] jurisdictions = {null, "EU", "US-CA", "BR"};
        for (int trial = 0; trial < 40_000; trial++) {
            List<ConsentState> statements = new ArrayList<>();
            int count = 1 + random.nextInt(12);
            // Every other trial crowds the statements into few instants: ties of one purpose at one instant
            int instants = trial % 2 == 0 ? 20 : 5;
            for (int i = 0; i < count; i++) {
                String key = keys[random.nextInt(keys.length)];
                ConsentChoice status = key.equals(CustomerHistory.ERASURE) ? ConsentChoice.ERASED
                        : ConsentChoice.values()[random.nextInt(3)];
                long capturedAt = 1_000L * random.nextInt(instants);
                Long expiresAt = status == ConsentChoice.GRANTED && random.nextBoolean() ? capturedAt + 1_000L * (1 + random.nextInt(8)) : null;
                statements.add(new ConsentState(key.equals(CustomerHistory.ERASURE) ? null : Purpose.of(key), status, capturedAt, expiresAt,
                        jurisdictions[random.nextInt(jurisdictions.length)], null, null, null));
            }
            long retention = 1_000L * (1 + random.nextInt(instants == 5 ? 4 : 25));
            CustomerHistory inOrder = replay(statements, retention);
            List<ConsentState> shuffled = new ArrayList<>(statements);
            Collections.shuffle(shuffled, random);
            CustomerHistory reordered = replay(shuffled, retention);
            CustomerHistory reread = CustomerHistory.of(reordered.statements(), reordered.jurisdictions());
            CustomerHistory unpruned = replay(statements, Long.MAX_VALUE / 2);
            long cutoff = statements.stream().mapToLong(ConsentState::capturedAt).max().orElseThrow() - retention;
            assertThat(reordered).as("trial %d, the value held", trial).isEqualTo(inOrder);
            for (long time = Math.max(cutoff, 0); time <= 30_000; time += 500) {
                for (List<String> purpose : purposes) {
                    assertThat(inOrder.inForce(purpose, time)).as("trial %d, %s at %d against no pruning", trial, purpose, time)
                            .isEqualTo(unpruned.inForce(purpose, time));
                }
                for (CustomerHistory other : List.of(reordered, reread)) {
                    for (String key : keys) {
                        assertThat(other.at(key, time)).as("trial %d, %s at %d", trial, key, time).isEqualTo(inOrder.at(key, time));
                    }
                    for (List<String> purpose : purposes) {
                        assertThat(other.inForce(purpose, time)).as("trial %d, %s at %d", trial, purpose, time)
                                .isEqualTo(inOrder.inForce(purpose, time));
                    }
                    assertThat(other.jurisdictionAt(time)).as("trial %d, jurisdiction at %d", trial, time).isEqualTo(inOrder.jurisdictionAt(time));
                    assertThat(other.knownAt(time)).as("trial %d, known at %d", trial, time).isEqualTo(inOrder.knownAt(time));
                }
            }
        }
    }

    @Test
    void theEncodedHistoryReadsBackEqual() {
        CustomerHistory history = new CustomerHistory();
        history.add(new ConsentState(Purpose.of("marketing"), ConsentChoice.GRANTED, 1_000, 50_000L, "EU", "web", "v3", "c-1"), NO_CUTOFF);
        history.add(state(CustomerHistory.ERASURE, ConsentChoice.ERASED, 2_000, null), NO_CUTOFF);
        CustomerHistorySerde serde = new CustomerHistorySerde();

        CustomerHistory read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", history));

        assertThat(read).isEqualTo(history);
        assertThat(read.at("marketing", 1_500).expiresAt()).isEqualTo(50_000L);
        assertThat(read.at(CustomerHistory.ERASURE, 2_000).status()).isEqualTo(ConsentChoice.ERASED);
    }

    @Test
    void aStatementsSignalReadsBack() {
        CustomerHistory history = new CustomerHistory();
        history.add(new ConsentState(Purpose.of("marketing"), ConsentChoice.DENIED, 1_000, null, "US-CA", "web-cmp", null, "s-1",
                new SignalOrigin("gpc", "1", "GPC: opted out (in US-CA)")), NO_CUTOFF);
        CustomerHistorySerde serde = new CustomerHistorySerde();

        CustomerHistory read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", history));

        assertThat(read).isEqualTo(history);
        assertThat(read.at("marketing", 1_000).signal()).isEqualTo(new SignalOrigin("gpc", "1", "GPC: opted out (in US-CA)"));
    }

    @Test
    void aValueWrittenBeforeSignalsReadsAsItsStatementsWithoutSignal() throws IOException {
        // Format 1, as builds before signals wrote it: the statement record without its signal field.
        Schema formatOne;
        try (InputStream in = getClass().getResourceAsStream("/consent/customer-consent-history-format-1.avsc")) {
            formatOne = new Schema.Parser().parse(in);
        }
        Schema statementSchema = formatOne.getField("statements").schema().getElementType();
        GenericRecord statement = new GenericRecordBuilder(statementSchema)
                .set("purpose", "marketing").set("status", "WITHDRAWN").set("capturedAt", 1_000L).set("jurisdiction", "EU")
                .set("source", "web").set("noticeVersion", "v3").set("consentId", "c-1").build();
        GenericRecord jurisdiction = new GenericRecordBuilder(formatOne.getField("jurisdictions").schema().getElementType())
                .set("at", 1_000L).set("jurisdiction", "EU").build();
        GenericRecord value = new GenericRecordBuilder(formatOne)
                .set("statements", List.of(statement)).set("jurisdictions", List.of(jurisdiction)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(formatOne).write(value, encoder);
        encoder.flush();

        CustomerHistory read = new CustomerHistorySerde().deserializer().deserialize("t", bytes.toByteArray());

        CustomerHistory expected = new CustomerHistory();
        expected.add(new ConsentState(Purpose.of("marketing"), ConsentChoice.WITHDRAWN, 1_000, null, "EU", "web", "v3", "c-1"), NO_CUTOFF);
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void aValueOfAnotherFormatIsRefusedNotReadAsNoConsent() {
        CustomerHistorySerde serde = new CustomerHistorySerde();
        byte[] bytes = serde.serializer().serialize("t", new CustomerHistory());
        bytes[0] = 3;

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
                .isInstanceOf(IllegalStateException.class).hasMessage("a consent store value of format 3; this build reads formats 1 and 2");
    }

    /** The statements added one by one, each with the cut-off of the highest capture time so far, as the consent store does. */
    private static CustomerHistory replay(List<ConsentState> statements, long retention) {
        CustomerHistory history = new CustomerHistory();
        long max = Long.MIN_VALUE;
        for (ConsentState statement : statements) {
            max = Math.max(max, statement.capturedAt());
            history.add(statement, max - retention);
        }
        return history;
    }

    private static ConsentState grant(String key, long capturedAt, Long expiresAt) {
        return new ConsentState(Purpose.of(key), ConsentChoice.GRANTED, capturedAt, expiresAt, null, null, null, null);
    }

    private static ConsentState state(String key, ConsentChoice status, long capturedAt, String jurisdiction) {
        Purpose purpose = key.equals(CustomerHistory.ERASURE) ? null : Purpose.of(key);
        return new ConsentState(purpose, status, capturedAt, null, jurisdiction, null, null, null);
    }
}
