package dev.sycostream.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The project's one Jackson configuration: every class that reads or writes JSON uses {@link #MAPPER} or a reader
 * or writer derived from it, never a mapper of its own. Its own package, depending on no other sycostream package,
 * because its users (registry, datasets, worker, web, report, compare, training, bench) share no lower one.
 *
 * <p>Mappers, readers and writers are thread-safe once built; none of these may be reconfigured.
 */
public final class Json {
    /** Jackson's defaults. */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** Strict reading of one document: no content after it, no duplicate keys (e.g. one JSON Lines line). */
    public static final ObjectReader STRICT = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Indented output, for people to read. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }
}
