package dev.consentgate.audit;

import dev.consentgate.schema.AuditChainLink;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.Sha256;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Links each audit record of a task to the one before it ({@link ChainHash}). A task writes its audit
 * records to the audit partition of its own number, and only it does, so one head per task makes one
 * chain per partition. The head lives in a changelogged store: under exactly-once it commits with the
 * audit records it describes, so a crash or a rebalance resumes the chain where the committed
 * records end, never forking it.
 */
public final class AuditChain {

    public static final String STORE = "audit-chain";

    /** A sealed audit value and the head it makes; the head becomes current only once the value is forwarded. */
    public record Sealed(byte[] value, long sequence, byte[] hash) {
    }

    private final KeyValueStore<Integer, byte[]> heads;
    private final int partition;
    private long sequence;
    private byte[] hash;

    public AuditChain(KeyValueStore<Integer, byte[]> heads, int partition) {
        this.heads = heads;
        this.partition = partition;
        byte[] stored = heads.get(partition);
        if (stored == null) {
            this.sequence = -1;
            this.hash = ChainHash.zeros();
        } else {
            ByteBuffer head = ByteBuffer.wrap(stored);
            this.sequence = head.getLong();
            this.hash = new byte[ChainHash.SIZE];
            head.get(hash);
        }
    }

    /** Cached: the head changes with every event, its changelog needs it once per commit. */
    public static StoreBuilder<KeyValueStore<Integer, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Integer(), Serdes.ByteArray())
                .withCachingEnabled();
    }

    public int partition() {
        return partition;
    }

    /** The sequence the next sealed record gets: a held record's review id names it before the record is sealed. */
    public long nextSequence() {
        return sequence + 1;
    }

    /** Sets the record's link to follow the current head, encodes it, and seals the hash into the encoded bytes. */
    public Sealed seal(DecisionRecord record, Function<DecisionRecord, byte[]> encoder) {
        long next = sequence + 1;
        record.setChain(new AuditChainLink(next, new Sha256(hash), new Sha256(ChainHash.zeros())));
        byte[] value = encoder.apply(record);
        // Sealing patches the last 32 bytes, so they must be where the Avro binary encoding puts the fixed fields.
        if (!ChainHash.isLinkable(value) || !Arrays.equals(ChainHash.previousHash(value), hash)
                || !Arrays.equals(ChainHash.storedHash(value), ChainHash.zeros())) {
            throw new IllegalStateException("the value serde did not write the audit record as Avro binary in the Confluent wire format");
        }
        return new Sealed(value, next, ChainHash.seal(value));
    }

    /** Makes a forwarded record the head of the chain. */
    public void advance(Sealed sealed) {
        sequence = sealed.sequence();
        hash = sealed.hash();
        heads.put(partition, ByteBuffer.allocate(Long.BYTES + ChainHash.SIZE).putLong(sequence).put(hash).array());
    }
}
