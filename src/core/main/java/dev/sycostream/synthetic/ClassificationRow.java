package dev.sycostream.synthetic;

import java.util.List;
import java.util.Objects;

/**
 * One labelled row of a classification dataset, as read.
 *
 * @param source "file:line" of the row (for CSV, the line the record starts on)
 * @param texts  the raw text fields, in the label map's text-field order
 * @param label  the integer gold label, within the label map's range
 */
public record ClassificationRow(String source, List<String> texts, int label) {
    public ClassificationRow {
        Objects.requireNonNull(source, "source");
        texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
    }
}
