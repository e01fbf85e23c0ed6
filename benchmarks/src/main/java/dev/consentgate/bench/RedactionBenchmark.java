package dev.consentgate.bench;

import dev.consentgate.audit.AuditRecords;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.policy.ValueRedactor;
import dev.consentgate.serde.ConfluentAvroSerde;
import dev.consentgate.serde.InMemorySchemaRegistry;
import dev.consentgate.output.OutputPlans;
import dev.consentgate.output.RecordMinimizer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (b) Minimizing one ContactUpdated record, as the processor does per forwarded purpose: the cached
 * plan lookup plus {@link RecordMinimizer#apply}. {@code analytics.reporting} without consent is the
 * heaviest case (two HMACs, generalizations, removals); {@code train_ai_system} with consent only
 * removes fields. The records are of {@value #CONTACTS} customers in turn, as a stream of events is: one record
 * minimized again and again would find its hashes among the keyed hash's last answers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RedactionBenchmark {

    private OutputPlans plans;
    private RecordMinimizer minimizer;
    private PurposeRule analytics;
    private PurposeRule aiTraining;
    private static final int CONTACTS = 1_024;

    private GenericRecord[] contacts;
    private int next;

    @Setup
    public void setUp() {
        Policy policy = ExamplePolicy.load();
        plans = new OutputPlans(Map.of(), AuditRecords::fieldTreatments);
        minimizer = new RecordMinimizer(new ValueRedactor(new KeyedHash(ExamplePolicy.HMAC_KEY.getBytes(StandardCharsets.UTF_8))));
        analytics = policy.ruleFor(Purpose.of("analytics.reporting")).orElseThrow();
        aiTraining = policy.ruleFor(Purpose.of("train_ai_system")).orElseThrow();
        // Through the real serde, so the record is the GenericRecord the processor gets from the deserializer.
        ConfluentAvroSerde serde = new ConfluentAvroSerde(InMemorySchemaRegistry.scope("redaction-benchmark"), false, true, false);
        contacts = new GenericRecord[CONTACTS];
        for (int i = 0; i < CONTACTS; i++) {
            byte[] bytes = serde.serializer().serialize(SampleContacts.TOPIC,
                    SampleContacts.contact(i, SampleContacts.customerId(i), 1_800_000_000_000L, InMemoryConsent.TWO_PURPOSE_KEYS));
            contacts[i] = (GenericRecord) serde.deserializer().deserialize(SampleContacts.TOPIC, bytes);
        }
    }

    @Benchmark
    public GenericRecord redactForAnalyticsWithoutConsent() {
        return minimize(analytics, Verdict.REDACT);
    }

    @Benchmark
    public GenericRecord minimizeForAiTrainingWithConsent() {
        return minimize(aiTraining, Verdict.PERMIT);
    }

    private GenericRecord minimize(PurposeRule rule, Verdict outcome) {
        GenericRecord contact = contacts[next];
        next = (next + 1) % CONTACTS;
        OutputPlans.PlannedOutput planned = plans.plan(SampleContacts.TOPIC, contact.getSchema(), rule, outcome);
        return minimizer.apply(contact, planned.minimization());
    }
}
