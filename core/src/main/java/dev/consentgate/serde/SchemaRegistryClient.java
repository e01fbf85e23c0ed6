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

    /**
     * Asks the registry for its subjects with this client's address, TLS settings and credentials, so that a start
     * fails at once on what would otherwise fail every record. A registry in this JVM has nothing to check.
     *
     * @throws SchemaRegistryUnavailableException when no registry URL answers (the cause says why, e.g. a TLS handshake)
     * @throws org.apache.kafka.common.errors.SerializationException when the registry refuses the request, e.g. HTTP 401
     */
    default void checkAccess() {
    }
}
