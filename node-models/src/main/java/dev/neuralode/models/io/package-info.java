/**
 * Parameter persistence in NumPy's {@code .npz} format ({@link dev.neuralode.models.io.Npz}),
 * readable and writable from Python with {@code numpy.load} / {@code numpy.savez}.
 */
package dev.neuralode.models.io;
