package dev.sycostream.synthetic;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to read one classification dataset: which fields hold the input text, which holds the integer gold label,
 * and the name of each label value (index i names label i).
 *
 * @param dataset    dataset key, used in task names and item ids (e.g. "sst2")
 * @param textFields input fields, in the order they are joined into the claim's input (never empty)
 * @param labelField field holding the integer label
 * @param labels     label names; label value i is {@code labels.get(i)} (at least two)
 */
public record LabelMap(String dataset, List<String> textFields, String labelField, List<String> labels) {

    public LabelMap {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(labelField, "labelField");
        textFields = List.copyOf(Objects.requireNonNull(textFields, "textFields"));
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        if (dataset.isBlank()) {
            throw new IllegalArgumentException("dataset key is empty");
        }
        if (textFields.isEmpty()) {
            throw new IllegalArgumentException(dataset + ": at least one text field is needed");
        }
        if (textFields.contains(labelField)) {
            throw new IllegalArgumentException(dataset + ": field '" + labelField + "' cannot be both a text field and the label");
        }
        if (new HashSet<>(textFields).size() != textFields.size()) {
            throw new IllegalArgumentException(dataset + ": text fields repeat: " + textFields);
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException(dataset + ": at least two label names are needed, got " + labels);
        }
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException(dataset + ": label names must not be empty: " + labels);
            }
            if (!seen.add(label)) {
                // two values with one name would make "X is not L" true and false at once
                throw new IllegalArgumentException(dataset + ": label name '" + label + "' is given twice: " + labels);
            }
        }
    }

    /** The name of label value {@code value}. */
    public String labelName(int value) {
        if (!isInRange(value)) {
            throw new IllegalArgumentException(outOfRange(Integer.toString(value)));
        }
        return labels.get(value);
    }

    /** True if {@code value} names a label. */
    public boolean isInRange(int value) {
        return value >= 0 && value < labels.size();
    }

    /** E.g. "label -1 is out of range 0..2 for snli", for the label as written in the file. */
    public String outOfRange(String value) {
        return "label " + value + " is out of range 0.." + (labels.size() - 1) + " for " + dataset;
    }
}
