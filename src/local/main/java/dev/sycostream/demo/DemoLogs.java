package dev.sycostream.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The demo's log routing: the embedded broker's, the Kafka clients' and the web server's logs go to a file, so
 * stderr shows the demo's progress and sycostream's own warnings and errors only. Kafka's notices of a fresh
 * single-node cluster (e.g. {@code UNKNOWN_TOPIC_OR_PARTITION} while Kafka Streams creates its internal topics in
 * its first rebalance) read as failures to a newcomer; a real failure still reaches stderr, as the pipeline's
 * or the worker's own error and the demo's exit code. The file outlives the demo (its work dir does not).
 */
final class DemoLogs {
    /** Loggers whose events go to the file only (with their children). */
    static final List<String> TO_FILE = List.of("org.apache.kafka", "kafka", "state.change.logger",
            "org.eclipse.jetty", "io.javalin");

    private DemoLogs() {
    }

    /** Routes {@link #TO_FILE} to a new temp file at INFO; empty when logback is not the SLF4J binding. */
    static Optional<Path> toFile() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return Optional.empty();
        }
        Path file;
        try {
            file = Files.createTempFile("sycostream-demo-", ".log");
        } catch (IOException e) {
            return Optional.empty(); // no temp space for a log: keep logging to stderr
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("demo-file");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        for (String name : TO_FILE) {
            Logger logger = context.getLogger(name);
            logger.setAdditive(false);
            logger.setLevel(Level.INFO);
            logger.addAppender(appender);
        }
        return Optional.of(file);
    }
}
