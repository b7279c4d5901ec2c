package dev.neuralode.examples;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a demo run produced: its one-line summary, its key figures by name (the numbers in the
 * summary), and the PNG files it wrote. Immutable.
 *
 * @param demo    the demo's name, for example {@code "spiral"}
 * @param summary the one-line summary printed at the end of the run
 * @param figures key figures by name, in summary order
 * @param images  the PNG files written, in writing order
 */
public record DemoResult(String demo, String summary, Map<String, Double> figures, List<Path> images) {

    /**
     * Validates and copies.
     *
     * @param demo    the demo's name
     * @param summary the summary line
     * @param figures key figures. Not modified (copied).
     * @param images  written files. Not modified (copied).
     */
    public DemoResult {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        images = List.copyOf(images);
    }

    /**
     * One key figure.
     *
     * @param name the figure's name
     * @return its value
     * @throws IllegalArgumentException naming the figures present if {@code name} is absent
     */
    public double figure(String name) {
        Double v = figures.get(name);
        if (v == null) {
            throw new IllegalArgumentException("demo " + demo + " has no figure '" + name
                    + "'; figures: " + figures.keySet());
        }
        return v;
    }
}
