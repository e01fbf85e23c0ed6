package dev.consentgate.bench;

import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.serde.ConfluentAvroSerde;
import dev.consentgate.serde.InMemorySchemaRegistry;
import dev.consentgate.serde.SchemaRegistryClient;
import dev.consentgate.ingest.RejectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
 * (c) Decode + decide + encode for one ContactUpdated event declaring two purposes, through the real
 * serde and an in-memory registry ({@code mock://}). Target ≥ 200k events/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark {

    private static final int CUSTOMERS = 4096;
    private static final long START = 1_800_000_000_000L;

    private EventPipeline pipeline;
    private byte[][] keys;
    private byte[][] values;
    private int next;

    @Setup
    public void setUp() {
        InMemorySchemaRegistry.dropScope("pipeline-benchmark");
        // The in-memory registry caches registrations the way the HTTP client does, so this is the production path.
        SchemaRegistryClient registry = InMemorySchemaRegistry.scope("pipeline-benchmark");
        ConfluentAvroSerde serde = new ConfluentAvroSerde(registry, false, true, false);
        Policy policy = ExamplePolicy.load();
        KeyedHash keyedHash = new KeyedHash(ExamplePolicy.HMAC_KEY.getBytes(StandardCharsets.UTF_8));
        pipeline = new EventPipeline(policy, serde, keyedHash, new InMemoryConsent(CUSTOMERS));
        keys = new byte[CUSTOMERS][];
        values = new byte[CUSTOMERS][];
        for (int i = 0; i < CUSTOMERS; i++) {
            String customerId = SampleContacts.customerId(i);
            keys[i] = customerId.getBytes(StandardCharsets.UTF_8);
            values[i] = serde.serializer().serialize(SampleContacts.TOPIC,
                    SampleContacts.contact(i, customerId, START + i, InMemoryConsent.TWO_PURPOSE_KEYS));
        }
    }

    @Benchmark
    public int decodeDecideEncode() throws RejectException {
        int i = next++ & (CUSTOMERS - 1);
        return pipeline.process(keys[i], values[i], i, START + i);
    }
}
