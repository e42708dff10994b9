package dev.sycostream.registry;

import org.apache.avro.Schema;

/** One version of a subject: what GET /subjects/{subject}/versions/{version} answers. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
