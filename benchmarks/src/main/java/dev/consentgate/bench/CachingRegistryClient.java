package dev.consentgate.bench;

import dev.consentgate.serde.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches register and lookup answers by (subject, schema) the way HttpSchemaRegistryClient does,
 * around the in-memory registry, whose own register renders the schema as JSON on every call. With
 * it the pipeline benchmark shows the serde cost a deployment against a real registry pays.
 */
final class CachingRegistryClient implements SchemaRegistryClient {

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final SchemaRegistryClient registry;
    private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> lookedUp = new ConcurrentHashMap<>();

    CachingRegistryClient(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public int register(String subject, Schema schema) {
        return registered.computeIfAbsent(new SubjectSchema(subject, schema), key -> registry.register(subject, schema));
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return lookedUp.computeIfAbsent(new SubjectSchema(subject, schema), key -> registry.lookup(subject, schema));
    }

    @Override
    public Schema schemaById(int id) {
        return registry.schemaById(id);
    }
}
