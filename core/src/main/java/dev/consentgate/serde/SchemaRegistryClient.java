package dev.consentgate.serde;

import org.apache.avro.Schema;

/**
 * The few schema registry operations the serde needs. Implementations cache every answer, so the
 * hot path does no I/O once warm, and are safe to share between Kafka Streams threads.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject}, or finds it if it is already there, and
     * returns its id.
     *
     * @throws SchemaRegistryUnavailableException when the registry cannot be reached (retriable)
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} as already registered under {@code subject}; never registers.
     *
     * @throws SchemaNotFoundException when the schema is not registered under the subject
     * @throws SchemaRegistryUnavailableException when the registry cannot be reached (retriable)
     */
    int lookup(String subject, Schema schema);

    /**
     * The schema registered with {@code id}.
     *
     * @throws SchemaNotFoundException when no schema has that id
     * @throws SchemaRegistryUnavailableException when the registry cannot be reached (retriable)
     */
    Schema schemaById(int id);
}
