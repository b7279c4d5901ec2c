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

    // ------------------------------------------------------------------ binary elementwise

    /** Elementwise binary op with broadcasting. */
    abstract static class Binary implements Op {
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
            DMatrixRMaj a = in[0];
            DMatrixRMaj b = in[1];
            int rows = broadcastDim(name, a, b, a.numRows, b.numRows);
            int cols = broadcastDim(name, a, b, a.numCols, b.numCols);
            DMatrixRMaj out = new DMatrixRMaj(rows, cols);
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
    };

    // ------------------------------------------------------------------ scalar ops

    /** {@code c · x}. */
    static final class Scale implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(in[0].numRows, in[0].numCols);
            CommonOps_DDRM.scale(c, in[0], out);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.scale(c)};
        }
    }

    /** {@code x + c}. */
    static final class AddScalar implements Op {
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
            DMatrixRMaj out = in[0].copy();
            CommonOps_DDRM.add(out, c);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g};
        }
    }

    // ------------------------------------------------------------------ matmul and transpose

    /** Matrix product with optional transposes. */
    static final class MatMul implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(rows, cols);
            switch (kind) {
                case NN -> CommonOps_DDRM.mult(a, b, out);
                case TN -> CommonOps_DDRM.multTransA(a, b, out);
                case NT -> CommonOps_DDRM.multTransB(a, b, out);
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
    }

    static final Op TRANSPOSE = new Op() {
        @Override
        public String name() {
            return "transpose";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            return CommonOps_DDRM.transpose(in[0], null);
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.transpose()};
        }
    };

    // ------------------------------------------------------------------ reductions and shape

    /** Sums: all elements, over rows (axis 0), over columns (axis 1). */
    static final class Sum implements Op {
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
                case AXIS0 -> CommonOps_DDRM.sumCols(a, null);
                case AXIS1 -> CommonOps_DDRM.sumRows(a, null);
            };
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.expand(in[0].rows(), in[0].cols())};
        }
    }

    /** Broadcast to a larger shape. */
    static final class Expand implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(rows, cols);
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

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.reduceTo(in[0].rows(), in[0].cols())};
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
            DMatrixRMaj out = new DMatrixRMaj(r1 - r0, c1 - c0);
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
            DMatrixRMaj out = new DMatrixRMaj(rows, cols);
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
    static final class Reshape implements Op {
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
            DMatrixRMaj out = in[0].copy();
            out.reshape(rows, cols, true);
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.reshape(in[0].rows(), in[0].cols())};
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
            DMatrixRMaj out = new DMatrixRMaj(rows, cols);
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
    static final class Unary implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
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
                case TANH -> {
                    for (int i = 0; i < n; i++) {
                        y[i] = Kernels.tanh(x[i]);
                    }
                }
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
                case TANH -> g.sub(g.mul(out.square()));
                case SIGMOID -> g.mul(out.sub(out.square()));
                case SOFTPLUS -> g.mul(x.sigmoid());
                case SIN -> g.mul(x.cos());
                case COS -> g.mul(x.sin()).neg();
            };
            return new Tensor[]{gx};
        }

        private static DMatrixRMaj signMask(DMatrixRMaj x) {
            DMatrixRMaj m = new DMatrixRMaj(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                m.data[i] = Math.signum(x.data[i]);
            }
            return m;
        }
    }

    /** {@code x^p} for a constant exponent. */
    static final class Pow implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
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
    }

    /** Leaky ReLU (slope 0: ReLU). */
    static final class LeakyRelu implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
            for (int i = 0, n = a.getNumElements(); i < n; i++) {
                double v = a.data[i];
                out.data[i] = v > 0 ? v : slope * v;
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            DMatrixRMaj x = in[0].value();
            DMatrixRMaj mask = new DMatrixRMaj(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                mask.data[i] = x.data[i] > 0 ? 1.0 : slope;
            }
            return new Tensor[]{g.mul(g.tape().constant(mask))};
        }
    }

    /** ELU: {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}. */
    static final class Elu implements Op {
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
            DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
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
            DMatrixRMaj pos = new DMatrixRMaj(x.numRows, x.numCols);
            for (int i = 0, n = x.getNumElements(); i < n; i++) {
                pos.data[i] = x.data[i] > 0 ? 1.0 : 0.0;
            }
            Tape tape = g.tape();
            Tensor posT = tape.constant(pos);
            Tensor negT = tape.constant(onesMinus(pos));
            Tensor slope = posT.add(negT.mul(out.add(alpha)));
            return new Tensor[]{g.mul(slope)};
        }

        private static DMatrixRMaj onesMinus(DMatrixRMaj m) {
            DMatrixRMaj r = new DMatrixRMaj(m.numRows, m.numCols);
            for (int i = 0, n = m.getNumElements(); i < n; i++) {
                r.data[i] = 1.0 - m.data[i];
            }
            return r;
        }
    }

    /** Row-wise log-sum-exp, {@code rows × 1}. */
    static final Op LOGSUMEXP = new Op() {
        @Override
        public String name() {
            return "logsumexp";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj a = in[0];
            DMatrixRMaj out = new DMatrixRMaj(a.numRows, 1);
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
    };
}
