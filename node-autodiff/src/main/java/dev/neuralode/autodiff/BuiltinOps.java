package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The built-in ops: each one's forward kernel and backward rule side by side. Backward rules are
 * written with {@link Tensor} operations so that, recorded in create-graph mode, they can be
 * differentiated again.
 */
final class BuiltinOps {

    private BuiltinOps() {
    }

    static String shape(DMatrixRMaj m) {
        return m.numRows + "x" + m.numCols;
    }

    static int broadcastDim(String op, DMatrixRMaj a, DMatrixRMaj b, int da, int db) {
        if (da == db || db == 1) {
            return da;
        }
        if (da == 1) {
            return db;
        }
        throw new IllegalArgumentException("op '" + op + "': shapes " + shape(a) + " and " + shape(b)
                + " cannot be broadcast together (each dimension must match or be 1)");
    }

    /** {@code g} summed down to {@code rows × cols} (the adjoint of broadcasting); {@code g} itself if equal. */
    static DMatrixRMaj reduceTo(DMatrixRMaj g, int rows, int cols) {
        if (g.numRows == rows && g.numCols == cols) {
            return g;
        }
        DMatrixRMaj t = g;
        if (rows != g.numRows) {
            t = sumOverRows(t);
        }
        if (cols != t.numCols) {
            t = CommonOps_DDRM.sumRows(t, null);
        }
        return t;
    }

    /**
     * The {@code 1 × cols} sum over the rows of {@code g} (the column sums), read row by row
     * (contiguously), unlike EJML's column-by-column {@code sumCols}.
     */
    static DMatrixRMaj sumOverRows(DMatrixRMaj g) {
        int rows = g.numRows;
        int cols = g.numCols;
        DMatrixRMaj out = Buffers.zeros(1, cols);
        double[] o = out.data;
        double[] x = g.data;
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int b0 = r * cols;
            int b1 = b0 + cols;
            int b2 = b1 + cols;
            int b3 = b2 + cols;
            for (int c = 0; c < cols; c++) {
                o[c] += (x[b0 + c] + x[b1 + c]) + (x[b2 + c] + x[b3 + c]);
            }
        }
        for (; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                o[c] += x[base + c];
            }
        }
        return out;
    }

    /** {@code a} repeated to {@code rows × cols} (rows or columns of size 1 are repeated). */
    static DMatrixRMaj expand(DMatrixRMaj a, int rows, int cols) {
        DMatrixRMaj out = Buffers.uninitialized(rows, cols);
        int rs = a.numRows == 1 ? 0 : a.numCols;
        int cs = a.numCols == 1 ? 0 : 1;
        double[] o = out.data;
        double[] x = a.data;
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                o[k++] = x[r * rs + c * cs];
            }
        }
        return out;
    }

    static DMatrixRMaj scaled(DMatrixRMaj g, double c) {
        DMatrixRMaj out = Buffers.uninitialized(g.numRows, g.numCols);
        double[] x = g.data;
        double[] y = out.data;
        for (int i = 0, n = g.getNumElements(); i < n; i++) {
            y[i] = c * x[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ binary elementwise

    /** Elementwise binary op with broadcasting. */
    abstract static class Binary implements Op, ValueBackward {
        private final String name;

        Binary(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        abstract double apply(double x, double y);

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            if (in.length != 2) {
                throw new IllegalArgumentException("op '" + name + "' takes 2 inputs, got " + in.length);
            }
            return compute(in[0], in[1]);
        }

        /** The broadcast elementwise result for two values. */
        DMatrixRMaj compute(DMatrixRMaj a, DMatrixRMaj b) {
            int rows = broadcastDim(name, a, b, a.numRows, b.numRows);
            int cols = broadcastDim(name, a, b, a.numCols, b.numCols);
            DMatrixRMaj out = Buffers.uninitialized(rows, cols);
            double[] o = out.data;
            double[] x = a.data;
            double[] y = b.data;
            if (a.numRows == b.numRows && a.numCols == b.numCols) {
                for (int i = 0, n = rows * cols; i < n; i++) {
                    o[i] = apply(x[i], y[i]);
                }
                return out;
            }
            int ars = a.numRows == 1 ? 0 : a.numCols;
            int acs = a.numCols == 1 ? 0 : 1;
            int brs = b.numRows == 1 ? 0 : b.numCols;
            int bcs = b.numCols == 1 ? 0 : 1;
            int k = 0;
            for (int r = 0; r < rows; r++) {
                int ia = r * ars;
                int ib = r * brs;
                for (int c = 0; c < cols; c++, k++) {
                    o[k] = apply(x[ia + c * acs], y[ib + c * bcs]);
                }
            }
            return out;
        }
    }

    static final Op ADD = new Binary("add") {
        @Override
        double apply(double x, double y) {
            return x + y;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{
                needs[0] ? g.reduceTo(in[0].rows(), in[0].cols()) : null,
                needs[1] ? g.reduceTo(in[1].rows(), in[1].cols()) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{
                needs[0] ? reduceTo(g, in[0].numRows, in[0].numCols) : null,
                needs[1] ? reduceTo(g, in[1].numRows, in[1].numCols) : null};
        }
    };

    static final Op SUB = new Binary("sub") {
        @Override
        double apply(double x, double y) {
            return x - y;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{
                needs[0] ? g.reduceTo(in[0].rows(), in[0].cols()) : null,
                needs[1] ? g.neg().reduceTo(in[1].rows(), in[1].cols()) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{
                needs[0] ? reduceTo(g, in[0].numRows, in[0].numCols) : null,
                needs[1] ? scaled(reduceTo(g, in[1].numRows, in[1].numCols), -1.0) : null};
        }
    };

    static final Op MUL = new Binary("mul") {
        @Override
        double apply(double x, double y) {
            return x * y;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{
                needs[0] ? g.mul(in[1]).reduceTo(in[0].rows(), in[0].cols()) : null,
                needs[1] ? g.mul(in[0]).reduceTo(in[1].rows(), in[1].cols()) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{
                needs[0] ? reduceTo(compute(g, in[1]), in[0].numRows, in[0].numCols) : null,
                needs[1] ? reduceTo(compute(g, in[0]), in[1].numRows, in[1].numCols) : null};
        }
    };

    static final Op DIV = new Binary("div") {
        @Override
        double apply(double x, double y) {
            return x / y;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{
                needs[0] ? g.div(in[1]).reduceTo(in[0].rows(), in[0].cols()) : null,
                needs[1] ? g.mul(out).div(in[1]).neg().reduceTo(in[1].rows(), in[1].cols()) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj gb = null;
            if (needs[1]) {
                DMatrixRMaj t = compute(((Binary) MUL).compute(g, out), in[1]);
                CommonOps_DDRM.changeSign(t);
                gb = reduceTo(t, in[1].numRows, in[1].numCols);
            }
            return new DMatrixRMaj[]{
                needs[0] ? reduceTo(compute(g, in[1]), in[0].numRows, in[0].numCols) : null, gb};
        }
    };

    // ------------------------------------------------------------------ scalar ops

    /** {@code c · x}. */
    static final class Scale implements Op, ValueBackward {
        final double c;

        Scale(double c) {
            this.c = c;
        }

        @Override
        public String name() {
            return "scale";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj out = Buffers.uninitialized(in[0].numRows, in[0].numCols);
            CommonOps_DDRM.scale(c, in[0], out);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.scale(c)};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{scaled(g, c)};
        }
    }

    /** {@code x + c}. */
    static final class AddScalar implements Op, ValueBackward {
        final double c;

        AddScalar(double c) {
            this.c = c;
        }

        @Override
        public String name() {
            return "add_scalar";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, a.numCols);
            double[] x = a.data;
            double[] y = out.data;
            for (int i = 0, n = a.getNumElements(); i < n; i++) {
                y[i] = x[i] + c;
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{g};
        }
    }

    // ------------------------------------------------------------------ matmul and transpose

    /** Matrix product with optional transposes. */
    static final class MatMul implements Op, ValueBackward {
        enum Kind { NN, TN, NT }

        static final MatMul NN = new MatMul(Kind.NN);
        static final MatMul TN = new MatMul(Kind.TN);
        static final MatMul NT = new MatMul(Kind.NT);

        final Kind kind;

        MatMul(Kind kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return switch (kind) {
                case NN -> "matmul";
                case TN -> "matmul_trans_a";
                case NT -> "matmul_trans_b";
            };
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj b = in[1];
            int inner = kind == Kind.TN ? a.numRows : a.numCols;
            int innerB = kind == Kind.NT ? b.numCols : b.numRows;
            if (inner != innerB) {
                throw new IllegalArgumentException("op '" + name() + "': inner dimensions differ for shapes "
                        + shape(a) + " and " + shape(b));
            }
            int rows = kind == Kind.TN ? a.numCols : a.numRows;
            int cols = kind == Kind.NT ? b.numRows : b.numCols;
            DMatrixRMaj out = Buffers.uninitialized(rows, cols);
            switch (kind) {
                case NN -> Gemm.mult(a, b, out, null, false);
                case TN -> Gemm.multTransA(a, b, out, false);
                case NT -> Gemm.multTransB(a, b, out, null, false);
                default -> throw new AssertionError(this);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor ga = null;
            Tensor gb = null;
            switch (kind) {
                case NN -> { // C = A B
                    ga = needs[0] ? g.matmulTransB(b) : null;
                    gb = needs[1] ? a.matmulTransA(g) : null;
                }
                case TN -> { // C = Aᵀ B
                    ga = needs[0] ? b.matmulTransB(g) : null;
                    gb = needs[1] ? a.matmul(g) : null;
                }
                case NT -> { // C = A Bᵀ
                    ga = needs[0] ? g.matmul(b) : null;
                    gb = needs[1] ? g.matmulTransA(a) : null;
                }
                default -> throw new AssertionError(this);
            }
            return new Tensor[]{ga, gb};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj b = in[1];
            DMatrixRMaj ga = needs[0] ? Buffers.uninitialized(a.numRows, a.numCols) : null;
            DMatrixRMaj gb = needs[1] ? Buffers.uninitialized(b.numRows, b.numCols) : null;
            switch (kind) {
                case NN -> {
                    if (ga != null) {
                        Gemm.multTransB(g, b, ga, null, false);
                    }
                    if (gb != null) {
                        Gemm.multTransA(a, g, gb, false);
                    }
                }
                case TN -> {
                    if (ga != null) {
                        Gemm.multTransB(b, g, ga, null, false);
                    }
                    if (gb != null) {
                        Gemm.mult(a, g, gb, null, false);
                    }
                }
                case NT -> {
                    if (ga != null) {
                        Gemm.mult(g, b, ga, null, false);
                    }
                    if (gb != null) {
                        Gemm.multTransA(g, a, gb, false);
                    }
                }
                default -> throw new AssertionError(this);
            }
            return new DMatrixRMaj[]{ga, gb};
        }
    }

    /**
     * Fused affine layer {@code X W + b} ({@link Kind#NN}, weight {@code in × out}) or
     * {@code X Wᵀ + b} ({@link Kind#NT}, weight {@code out × in}); bias {@code 1 × out}.
     */
    static final class Affine implements Op, ValueBackward {
        enum Kind { NN, NT }

        static final Affine NN = new Affine(Kind.NN);
        static final Affine NT = new Affine(Kind.NT);

        final Kind kind;

        Affine(Kind kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return kind == Kind.NN ? "affine" : "linear";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj x = in[0];
            DMatrixRMaj w = in[1];
            DMatrixRMaj b = in[2];
            int inner = kind == Kind.NN ? w.numRows : w.numCols;
            int outCols = kind == Kind.NN ? w.numCols : w.numRows;
            if (x.numCols != inner) {
                throw new IllegalArgumentException("op '" + name() + "': input " + shape(x) + " and weight "
                        + shape(w) + " have different inner dimensions");
            }
            if (b.numRows != 1 || b.numCols != outCols) {
                throw new IllegalArgumentException("op '" + name() + "': bias " + shape(b) + " must be 1x"
                        + outCols + " for weight " + shape(w));
            }
            DMatrixRMaj out = Buffers.uninitialized(x.numRows, outCols);
            if (kind == Kind.NN) {
                Gemm.mult(x, w, out, b.data, false);
            } else {
                Gemm.multTransB(x, w, out, b.data, false);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor x = in[0];
            Tensor w = in[1];
            Tensor gx = null;
            Tensor gw = null;
            if (kind == Kind.NN) {
                gx = needs[0] ? g.matmulTransB(w) : null;
                gw = needs[1] ? x.matmulTransA(g) : null;
            } else {
                gx = needs[0] ? g.matmul(w) : null;
                gw = needs[1] ? g.matmulTransA(x) : null;
            }
            return new Tensor[]{gx, gw, needs[2] ? g.sum(0) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj x = in[0];
            DMatrixRMaj w = in[1];
            DMatrixRMaj gx = null;
            DMatrixRMaj gw = null;
            if (needs[0]) {
                gx = Buffers.uninitialized(x.numRows, x.numCols);
                if (kind == Kind.NN) {
                    Gemm.multTransB(g, w, gx, null, false);
                } else {
                    Gemm.mult(g, w, gx, null, false);
                }
            }
            if (needs[1]) {
                gw = Buffers.uninitialized(w.numRows, w.numCols);
                if (kind == Kind.NN) {
                    Gemm.multTransA(x, g, gw, false);
                } else {
                    Gemm.multTransA(g, x, gw, false);
                }
            }
            return new DMatrixRMaj[]{gx, gw, needs[2] ? sumOverRows(g) : null};
        }
    }

    static final Op TRANSPOSE = new TransposeOp();

    private static final class TransposeOp implements Op, ValueBackward {
        @Override
        public String name() {
            return "transpose";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            return CommonOps_DDRM.transpose(in[0], Buffers.uninitialized(in[0].numCols, in[0].numRows));
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.transpose()};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{CommonOps_DDRM.transpose(g, Buffers.uninitialized(g.numCols, g.numRows))};
        }
    }

    // ------------------------------------------------------------------ reductions and shape

    /** Sums: all elements, over rows (axis 0), over columns (axis 1). */
    static final class Sum implements Op, ValueBackward {
        enum Kind { ALL, AXIS0, AXIS1 }

        static final Sum ALL = new Sum(Kind.ALL);
        static final Sum AXIS0 = new Sum(Kind.AXIS0);
        static final Sum AXIS1 = new Sum(Kind.AXIS1);

        final Kind kind;

        Sum(Kind kind) {
            this.kind = kind;
        }

        static Sum of(int axis) {
            return switch (axis) {
                case 0 -> AXIS0;
                case 1 -> AXIS1;
                default -> throw new IllegalArgumentException("sum: axis must be 0 (over rows) or 1 "
                        + "(over columns), got " + axis);
            };
        }

        @Override
        public String name() {
            return switch (kind) {
                case ALL -> "sum";
                case AXIS0 -> "sum_axis0";
                case AXIS1 -> "sum_axis1";
            };
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            return switch (kind) {
                case ALL -> new DMatrixRMaj(1, 1, true, CommonOps_DDRM.elementSum(a));
                case AXIS0 -> sumOverRows(a);
                case AXIS1 -> CommonOps_DDRM.sumRows(a, null);
            };
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.expand(in[0].rows(), in[0].cols())};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{expand(g, in[0].numRows, in[0].numCols)};
        }
    }

    /** Broadcast to a larger shape. */
    static final class Expand implements Op, ValueBackward {
        final int rows;
        final int cols;

        Expand(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public String name() {
            return "expand";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            if ((a.numRows != rows && a.numRows != 1) || (a.numCols != cols && a.numCols != 1)) {
                throw new IllegalArgumentException("op 'expand': cannot broadcast " + shape(a) + " to "
                        + rows + "x" + cols);
            }
            return BuiltinOps.expand(a, rows, cols);
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.reduceTo(in[0].rows(), in[0].cols())};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            return new DMatrixRMaj[]{reduceTo(g, in[0].numRows, in[0].numCols)};
        }
    }

    /** A rectangular block {@code [r0, r1) × [c0, c1)} of a {@code rows × cols} input. */
    static final class Slice implements Op {
        final int r0;
        final int r1;
        final int c0;
        final int c1;

        Slice(int r0, int r1, int c0, int c1, int rows, int cols) {
            if (r0 < 0 || r1 > rows || r0 >= r1 || c0 < 0 || c1 > cols || c0 >= c1) {
                throw new IllegalArgumentException("op 'slice': block rows [" + r0 + ", " + r1 + ") cols ["
                        + c0 + ", " + c1 + ") is empty or outside a " + rows + "x" + cols + " tensor");
            }
            this.r0 = r0;
            this.r1 = r1;
            this.c0 = c0;
            this.c1 = c1;
        }

        @Override
        public String name() {
            return "slice";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj out = Buffers.uninitialized(r1 - r0, c1 - c0);
            CommonOps_DDRM.extract(in[0], r0, r1, c0, c1, out, 0, 0);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.tape().apply(new Pad(r0, c0, in[0].rows(), in[0].cols()), g)};
        }
    }

    /** Places the input at {@code (r0, c0)} in a zero matrix of shape {@code rows × cols}. */
    static final class Pad implements Op {
        final int r0;
        final int c0;
        final int rows;
        final int cols;

        Pad(int r0, int c0, int rows, int cols) {
            this.r0 = r0;
            this.c0 = c0;
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public String name() {
            return "pad";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj out = Buffers.zeros(rows, cols);
            CommonOps_DDRM.insert(in[0], out, r0, c0);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor a = in[0];
            return new Tensor[]{g.tape().apply(new Slice(r0, r0 + a.rows(), c0, c0 + a.cols(), rows, cols), g)};
        }
    }

    /** Row-major reshape. */
    static final class Reshape implements Op, ValueBackward {
        final int rows;
        final int cols;

        Reshape(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public String name() {
            return "reshape";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            if (rows * cols != in[0].getNumElements() || rows < 1 || cols < 1) {
                throw new IllegalArgumentException("op 'reshape': cannot reshape " + shape(in[0]) + " to "
                        + rows + "x" + cols);
            }
            DMatrixRMaj out = Buffers.uninitialized(rows, cols);
            System.arraycopy(in[0].data, 0, out.data, 0, rows * cols);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.reshape(in[0].rows(), in[0].cols())};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj r = Buffers.uninitialized(in[0].numRows, in[0].numCols);
            System.arraycopy(g.data, 0, r.data, 0, r.getNumElements());
            return new DMatrixRMaj[]{r};
        }
    }

    /** Concatenation along rows (axis 0) or columns (axis 1). */
    static final class Concat implements Op {
        final int axis;

        Concat(int axis) {
            this.axis = axis;
        }

        @Override
        public String name() {
            return axis == 0 ? "concat_rows" : "concat_cols";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            int rows = 0;
            int cols = 0;
            for (DMatrixRMaj m : in) {
                if (axis == 0) {
                    if (m.numCols != in[0].numCols) {
                        throw new IllegalArgumentException("op 'concat_rows': column counts differ: "
                                + shape(in[0]) + " and " + shape(m));
                    }
                    rows += m.numRows;
                    cols = m.numCols;
                } else {
                    if (m.numRows != in[0].numRows) {
                        throw new IllegalArgumentException("op 'concat_cols': row counts differ: "
                                + shape(in[0]) + " and " + shape(m));
                    }
                    cols += m.numCols;
                    rows = m.numRows;
                }
            }
            DMatrixRMaj out = Buffers.uninitialized(rows, cols);
            int off = 0;
            for (DMatrixRMaj m : in) {
                if (axis == 0) {
                    CommonOps_DDRM.insert(m, out, off, 0);
                    off += m.numRows;
                } else {
                    CommonOps_DDRM.insert(m, out, 0, off);
                    off += m.numCols;
                }
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor[] grads = new Tensor[in.length];
            int off = 0;
            for (int i = 0; i < in.length; i++) {
                int len = axis == 0 ? in[i].rows() : in[i].cols();
                if (needs[i]) {
                    grads[i] = axis == 0 ? g.sliceRows(off, off + len) : g.sliceCols(off, off + len);
                }
                off += len;
            }
            return grads;
        }
    }

    // ------------------------------------------------------------------ unary elementwise

    /** Parameter-free elementwise functions. */
    static final class Unary implements Op, ValueBackward {
        enum Kind { SQUARE, EXP, LOG, SQRT, ABS, TANH, SIGMOID, SOFTPLUS, SIN, COS }

        static final Unary SQUARE = new Unary(Kind.SQUARE);
        static final Unary EXP = new Unary(Kind.EXP);
        static final Unary LOG = new Unary(Kind.LOG);
        static final Unary SQRT = new Unary(Kind.SQRT);
        static final Unary ABS = new Unary(Kind.ABS);
        static final Unary TANH = new Unary(Kind.TANH);
        static final Unary SIGMOID = new Unary(Kind.SIGMOID);
        static final Unary SOFTPLUS = new Unary(Kind.SOFTPLUS);
        static final Unary SIN = new Unary(Kind.SIN);
        static final Unary COS = new Unary(Kind.COS);

        final Kind kind;

        Unary(Kind kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return kind.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, a.numCols);
            double[] x = a.data;
            double[] y = out.data;
            int n = a.getNumElements();
            switch (kind) {
                case SQUARE -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = x[i] * x[i];
                    }
                }
                case EXP -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.exp(x[i]);
                    }
                }
                case LOG -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.log(x[i]);
                    }
                }
                case SQRT -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.sqrt(x[i]);
                    }
                }
                case ABS -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.abs(x[i]);
                    }
                }
                case TANH -> Kernels.tanh(x, y, n);
                case SIGMOID -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Kernels.sigmoid(x[i]);
                    }
                }
                case SOFTPLUS -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Kernels.softplus(x[i]);
                    }
                }
                case SIN -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.sin(x[i]);
                    }
                }
                case COS -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.cos(x[i]);
                    }
                }
                default -> throw new AssertionError(this);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor x = in[0];
            Tensor gx = switch (kind) {
                case SQUARE -> g.mul(x).scale(2.0);
                case EXP -> g.mul(out);
                case LOG -> g.div(x);
                case SQRT -> g.div(out).scale(0.5);
                case ABS -> g.mul(x.tape().constant(signMask(x.value())));
                case TANH -> g.tape().apply(TANH_GRAD, g, out);
                case SIGMOID -> g.mul(out.sub(out.square()));
                case SOFTPLUS -> g.mul(x.sigmoid());
                case SIN -> g.mul(x.cos());
                case COS -> g.mul(x.sin()).neg();
            };
            return new Tensor[]{gx};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj gm, DMatrixRMaj[] in, DMatrixRMaj outm, boolean[] needs) {
            return new DMatrixRMaj[]{gradient(gm, in[0], outm, Buffers.uninitialized(gm.numRows, gm.numCols))};
        }

        @Override
        public DMatrixRMaj[] backwardValuesInPlace(DMatrixRMaj gm, DMatrixRMaj[] in, DMatrixRMaj outm,
                                                   boolean[] needs) {
            return new DMatrixRMaj[]{gradient(gm, in[0], outm, gm)};
        }

        /** {@code res = gm ⊙ f'(x)} elementwise; {@code res} may be {@code gm}. */
        private DMatrixRMaj gradient(DMatrixRMaj gm, DMatrixRMaj xm, DMatrixRMaj outm, DMatrixRMaj res) {
            int n = gm.getNumElements();
            double[] r = res.data;
            double[] g = gm.data;
            double[] x = xm.data;
            double[] y = outm.data;
            switch (kind) {
                case SQUARE -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = 2.0 * g[i] * x[i];
                    }
                }
                case EXP -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] * y[i];
                    }
                }
                case LOG -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] / x[i];
                    }
                }
                case SQRT -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = 0.5 * g[i] / y[i];
                    }
                }
                case ABS -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] * Math.signum(x[i]);
                    }
                }
                case TANH -> Kernels.tanhBackward(g, y, r, n);
                case SIGMOID -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] * (y[i] - y[i] * y[i]);
                    }
                }
                case SOFTPLUS -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] * Kernels.sigmoid(x[i]);
                    }
                }
                case SIN -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] * Math.cos(x[i]);
                    }
                }
                case COS -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = -g[i] * Math.sin(x[i]);
                    }
                }
                default -> throw new AssertionError(this);
            }
            return res;
        }

        private static DMatrixRMaj signMask(DMatrixRMaj x) {
            DMatrixRMaj m = Buffers.uninitialized(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                m.data[i] = Math.signum(x.data[i]);
            }
            return m;
        }
    }

    /** {@code x^p} for a constant exponent. */
    static final class Pow implements Op, ValueBackward {
        final double p;

        Pow(double p) {
            this.p = p;
        }

        @Override
        public String name() {
            return "pow";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, a.numCols);
            if (p == 3.0) {
                for (int i = 0, n = a.getNumElements(); i < n; i++) {
                    double v = a.data[i];
                    out.data[i] = v * v * v;
                }
            } else {
                for (int i = 0, n = a.getNumElements(); i < n; i++) {
                    out.data[i] = Math.pow(a.data[i], p);
                }
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            if (p == 1.0) {
                return new Tensor[]{g};
            }
            return new Tensor[]{g.mul(in[0].pow(p - 1.0)).scale(p)};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj res = Buffers.uninitialized(g.numRows, g.numCols);
            double[] x = in[0].data;
            for (int i = 0, n = g.getNumElements(); i < n; i++) {
                double d = p == 3.0 ? 3.0 * x[i] * x[i] : p == 1.0 ? 1.0 : p * Math.pow(x[i], p - 1.0);
                res.data[i] = g.data[i] * d;
            }
            return new DMatrixRMaj[]{res};
        }
    }

    /** Leaky ReLU (slope 0: ReLU). */
    static final class LeakyRelu implements Op, ValueBackward {
        final double slope;

        LeakyRelu(double slope) {
            this.slope = slope;
        }

        @Override
        public String name() {
            return slope == 0.0 ? "relu" : "leaky_relu";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, a.numCols);
            for (int i = 0, n = a.getNumElements(); i < n; i++) {
                double v = a.data[i];
                out.data[i] = v > 0 ? v : slope * v;
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            DMatrixRMaj x = in[0].value();
            DMatrixRMaj mask = Buffers.uninitialized(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                mask.data[i] = x.data[i] > 0 ? 1.0 : slope;
            }
            return new Tensor[]{g.mul(g.tape().constant(mask))};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj res = Buffers.uninitialized(g.numRows, g.numCols);
            double[] x = in[0].data;
            for (int i = 0, n = g.getNumElements(); i < n; i++) {
                res.data[i] = x[i] > 0 ? g.data[i] : slope * g.data[i];
            }
            return new DMatrixRMaj[]{res};
        }
    }

    /** ELU: {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}. */
    static final class Elu implements Op, ValueBackward {
        final double alpha;

        Elu(double alpha) {
            this.alpha = alpha;
        }

        @Override
        public String name() {
            return "elu";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, a.numCols);
            for (int i = 0, n = a.getNumElements(); i < n; i++) {
                double v = a.data[i];
                out.data[i] = v > 0 ? v : alpha * Math.expm1(v);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            // d/dx = 1 (x > 0), alpha e^x = out + alpha (x <= 0)
            DMatrixRMaj x = in[0].value();
            DMatrixRMaj pos = Buffers.uninitialized(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                pos.data[i] = x.data[i] > 0 ? 1.0 : 0.0;
            }
            Tape tape = g.tape();
            Tensor posT = tape.constant(pos);
            Tensor negT = tape.constant(onesMinus(pos));
            Tensor slope = posT.add(negT.mul(out.add(alpha)));
            return new Tensor[]{g.mul(slope)};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj res = Buffers.uninitialized(g.numRows, g.numCols);
            double[] x = in[0].data;
            for (int i = 0, n = g.getNumElements(); i < n; i++) {
                res.data[i] = g.data[i] * (x[i] > 0 ? 1.0 : out.data[i] + alpha);
            }
            return new DMatrixRMaj[]{res};
        }

        private static DMatrixRMaj onesMinus(DMatrixRMaj m) {
            DMatrixRMaj r = Buffers.uninitialized(m.numRows, m.numCols);
            for (int i = 0, n = m.getNumElements(); i < n; i++) {
                r.data[i] = 1.0 - m.data[i];
            }
            return r;
        }
    }

    /** Row-wise log-sum-exp, {@code rows × 1}. */
    static final Op LOGSUMEXP = new LogSumExp();

    private static final class LogSumExp implements Op, ValueBackward {
        @Override
        public String name() {
            return "logsumexp";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = Buffers.uninitialized(a.numRows, 1);
            for (int r = 0; r < a.numRows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                int base = r * a.numCols;
                for (int c = 0; c < a.numCols; c++) {
                    max = Math.max(max, a.data[base + c]);
                }
                if (Double.isInfinite(max)) {
                    out.data[r] = max;
                    continue;
                }
                double s = 0;
                for (int c = 0; c < a.numCols; c++) {
                    s += Math.exp(a.data[base + c] - max);
                }
                out.data[r] = max + Math.log(s);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            // d lse / dx_ij = softmax_ij = exp(x_ij - lse_i)
            return new Tensor[]{g.mul(in[0].sub(out).exp())};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj g, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj x = in[0];
            DMatrixRMaj res = Buffers.uninitialized(x.numRows, x.numCols);
            for (int r = 0, k = 0; r < x.numRows; r++) {
                for (int c = 0; c < x.numCols; c++, k++) {
                    res.data[k] = g.data[r] * Math.exp(x.data[k] - out.data[r]);
                }
            }
            return new DMatrixRMaj[]{res};
        }
    }

    /**
     * The fused backward of tanh as an op of its own, {@code (g, y) ↦ g ⊙ (1 - y²)}, so that a
     * recorded (create-graph) tanh backward is one node; its own gradients are
     * {@code ∂/∂g = h ⊙ (1 - y²)} (this op again) and {@code ∂/∂y = -2 h ⊙ g ⊙ y}.
     */
    static final Op TANH_GRAD = new TanhGrad();

    private static final class TanhGrad implements Op, ValueBackward {
        @Override
        public String name() {
            return "tanh_grad";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj g = in[0];
            DMatrixRMaj y = in[1];
            if (g.numRows != y.numRows || g.numCols != y.numCols) {
                throw new IllegalArgumentException("op 'tanh_grad': shapes " + shape(g) + " and " + shape(y)
                        + " differ");
            }
            DMatrixRMaj out = Buffers.uninitialized(g.numRows, g.numCols);
            Kernels.tanhBackward(g.data, y.data, out.data, g.getNumElements());
            return out;
        }

        @Override
        public Tensor[] backward(Tensor h, Tensor[] in, Tensor out, boolean[] needs) {
            Tensor g = in[0];
            Tensor y = in[1];
            return new Tensor[]{
                needs[0] ? h.tape().apply(this, h, y) : null,
                needs[1] ? h.mul(g).mul(y).scale(-2.0) : null};
        }

        @Override
        public DMatrixRMaj[] backwardValues(DMatrixRMaj h, DMatrixRMaj[] in, DMatrixRMaj out, boolean[] needs) {
            DMatrixRMaj g = in[0];
            DMatrixRMaj y = in[1];
            int n = h.getNumElements();
            DMatrixRMaj gg = null;
            DMatrixRMaj gy = null;
            if (needs[0]) {
                gg = Buffers.uninitialized(h.numRows, h.numCols);
                Kernels.tanhBackward(h.data, y.data, gg.data, n);
            }
            if (needs[1]) {
                gy = Buffers.uninitialized(h.numRows, h.numCols);
                for (int i = 0; i < n; i++) {
                    gy.data[i] = -2.0 * h.data[i] * g.data[i] * y.data[i];
                }
            }
            return new DMatrixRMaj[]{gg, gy};
        }
    }
}
