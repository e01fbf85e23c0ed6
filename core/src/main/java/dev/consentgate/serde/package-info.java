/**
 * Avro serde in Confluent's wire format (magic byte 0, 4-byte big-endian schema id, Avro binary)
 * and the schema registry clients it needs: an HTTP client for the Confluent REST API and an
 * in-memory registry for {@code mock://} URLs. Configuration keys match Confluent's serde so either
 * can be used with the same properties.
 */
package dev.consentgate.serde;
