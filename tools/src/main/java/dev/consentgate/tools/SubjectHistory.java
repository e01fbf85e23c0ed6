package dev.consentgate.tools;

import dev.consentgate.policy.KeyRing;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.ErasureNotice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What ConsentGate holds about one customer (a data subject): their consent statements as recorded and every decision
 * made on their events. It is offered the records of the partitions read, everyone's, and keeps only the customer's:
 * consent records whose key <em>and</em> value name the customer (the only ones the service applies to them), audit
 * records whose customer HMAC is theirs.
 */
final class SubjectHistory {

    /** Where a record was read: topic, partition, offset. */
    record Position(String topic, int partition, long offset) implements Comparable<Position> {

        private static final Comparator<Position> ORDER = Comparator.comparing(Position::topic)
                .thenComparingInt(Position::partition).thenComparingLong(Position::offset);

        @Override
        public int compareTo(Position other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * One consent statement as recorded, in the shape of an audit record's {@code consentUsed} (status {@code ERASED}
     * for an erasure request); {@code reroutedFrom} names the original of a copy on the rerouted-consent topic
     * ({@code topic-partition@offset}), null otherwise.
     */
    record Statement(Position position, ConsentRecordUsed consent, String reroutedFrom) {
    }

    /** One decided event: its audit record and where it was read. */
    /** An erasure notice the service wrote for the customer, and where it was read. */
    record Notice(Position position, ErasureNotice notice) {
    }

    record Decision(Position position, DecisionRecord record) {
    }

    /** One partition read: {@code fromOffset} to {@code toOffset} (exclusive), the end fixed when reading began. */
    record Source(Position start, long toOffset, long recordsRead) {
    }

    private final String customerId;
    private final byte[] customerKey;
    private final String customerIdHmac;
    private final String pseudonymKeyId;
    /** The customer id's hash under every pseudonym key, the current and the previous ones. */
    private final Set<String> customerIdHmacs;
    private final List<Statement> statements = new ArrayList<>();
    private final List<Position> unreadable = new ArrayList<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();

    /** @param pseudonymKeys the current and previous pseudonym keys: audit records made under any of them are found */
    SubjectHistory(String customerId, KeyRing pseudonymKeys) {
        this.customerId = customerId;
        this.customerKey = customerId.getBytes(StandardCharsets.UTF_8);
        this.customerIdHmac = pseudonymKeys.current().hash().hex(customerId);
        this.pseudonymKeyId = pseudonymKeys.current().id();
        this.customerIdHmacs = pseudonymKeys.hashesOf(customerId);
    }

    /**
     * A consent record of the partitions read. Only one whose key is the customer's id is decoded ({@code value} is
     * called for it, and returns null when the value cannot be read); one whose value then names someone else is not
     * the customer's (the service refuses it) and is left out.
     */
    void consentRecord(Position position, byte[] key, Supplier<ConsentEvent> value, String reroutedFrom) {
        if (!Arrays.equals(customerKey, key)) {
            return;
        }
        ConsentEvent event = value.get();
        if (event == null) {
            unreadable.add(position);
        } else if (customerId.equals(event.getCustomerId())) {
            statements.add(new Statement(position, asRecorded(event), reroutedFrom));
        }
    }

    /** An erasure notice of the partition read: the customer's when both its key and its customer id are theirs. */
    void erasureNotice(Position position, byte[] key, Supplier<ErasureNotice> value) {
        if (!Arrays.equals(customerKey, key)) {
            return;
        }
        ErasureNotice notice = value.get();
        if (notice != null && customerId.equals(notice.getCustomerId())) {
            notices.add(new Notice(position, notice));
        }
    }

    void auditRecord(Position position, DecisionRecord record) {
        if (record != null && customerIdHmacs.contains(record.getCustomerIdHmac())) {
            decisions.add(new Decision(position, record));
        }
    }

    void source(Source source) {
        sources.add(source);
    }

    String customerId() {
        return customerId;
    }

    String customerIdHmac() {
        return customerIdHmac;
    }

    String pseudonymKeyId() {
        return pseudonymKeyId;
    }

    /** Sorted by capture time, then where they were read. */
    List<Statement> statements() {
        return statements.stream().sorted(Comparator.comparing((Statement s) -> s.consent().getCapturedAt())
                .thenComparing(Statement::position)).toList();
    }

    /** Consent records keyed by the customer's id whose value cannot be read: the service applied none of them. */
    List<Position> unreadable() {
        return unreadable.stream().sorted().toList();
    }

    /** Sorted by event time, then where they were read. */
    List<Decision> decisions() {
        return decisions.stream().sorted(Comparator.comparing((Decision d) -> d.record().getEventTime())
                .thenComparing(Decision::position)).toList();
    }

    /** Sorted by request time, then where they were read. */
    List<Notice> notices() {
        return notices.stream().sorted(Comparator.comparing((Notice n) -> n.notice().getRequestedAt()).thenComparing(Notice::position))
                .toList();
    }

    List<Source> sources() {
        return List.copyOf(sources);
    }

    boolean isEmpty() {
        return statements.isEmpty() && unreadable.isEmpty() && decisions.isEmpty() && notices.isEmpty();
    }

    private static ConsentRecordUsed asRecorded(ConsentEvent event) {
        boolean erasure = event.getType() == ConsentEventType.ERASURE;
        return ConsentRecordUsed.newBuilder()
                .setPurpose(erasure ? null : event.getPurpose())
                .setStatus(erasure ? "ERASED" : event.getStatus().name())
                .setCapturedAt(event.getCapturedAt())
                .setExpiresAt(event.getExpiresAt())
                .setJurisdiction(event.getJurisdiction())
                .setSource(event.getSource())
                .setNoticeVersion(event.getNoticeVersion())
                .setConsentId(event.getConsentId())
                .setSignal(event.getSignal())
                .build();
    }
}
