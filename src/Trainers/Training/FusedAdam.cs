using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// TorchSharp's Adam (the same options, state, checkpoints and arithmetic) whose step on an x86 CPU with FMA updates
/// each float32 parameter in two passes over its memory instead of nine tensor operations. TorchSharp's step reads and
/// writes whole tensors nine times per parameter (weight decay, two operations for each moment, square root, bias
/// correction, epsilon, the update), three of them allocating a parameter-sized temporary: for ResNet-18's 11 million
/// parameters about a gigabyte of memory traffic a step, and for the small CNN's 14 small tensors over a hundred native
/// calls. Here the first pass updates both moments, libtorch computes the square root of the second moment (its own,
/// MKL's, which is not correctly rounded: one of ours would differ from it in the last bit; this is the one temporary
/// left), and the second pass updates the weights. The float operations and their rounding are libtorch's vector
/// kernels' (a fused multiply-add where they use one), so the weights and moments are TorchSharp's bit for bit
/// (FusedAdamTests). Anything else (a GPU, another element type, a non-contiguous tensor, a CPU without FMA, AMSGrad,
/// maximize, a closure) takes TorchSharp's step unchanged. The passes write the parameters' memory directly, outside
/// autograd: step after backward, as training does, not between a forward and its backward.
/// </summary>
internal sealed class FusedAdam : Adam
{
    /// <summary>Elements below which one thread updates everything (a thread's start costs more than the pass).</summary>
    private const long ParallelThreshold = 1 << 18;

    /// <summary>Elements per piece of work when the update is split between threads.</summary>
    private const int Chunk = 1 << 16;

    public FusedAdam(IEnumerable<Parameter> parameters, double lr, double weightDecay)
        : base(parameters, lr: lr, weight_decay: weightDecay)
    {
    }

    /// <summary>Whether the last <see cref="step"/> took the fused pass (false: TorchSharp's own step ran).</summary>
    public bool LastStepFused { get; private set; }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        LastStepFused = false;
        LastStepFused = closure is null && Fma.IsSupported && TryFusedStep();
        return LastStepFused ? null! : base.step(closure);
    }

    /// <summary>
    /// Sets every gradient to none instead of zeroing it (PyTorch's default since 2.0): backward then writes each gradient
    /// instead of adding it to zeros, and no pass over the gradients' memory is needed to clear them. The values are the same
    /// as long as backward reaches every parameter each step, as training does; a parameter it does not reach is left out of
    /// the next step (as a parameter without a gradient is) instead of being stepped on a zero gradient.
    /// </summary>
    public override void zero_grad()
    {
        foreach (ParamGroup group in ParamGroups)
        {
            foreach (Parameter p in group.Parameters)
            {
                p.grad = null;
            }
        }
    }

    private bool TryFusedStep()
    {
        var work = new List<Update>();
        try
        {
            foreach (ParamGroup group in ParamGroups)
            {
                var options = (Options)group.Options;
                if (options.amsgrad == true || options.maximize == true)
                {
                    return false;
                }

                foreach (Parameter p in group.Parameters)
                {
                    Tensor? grad = p.grad;
                    if (grad is null)
                    {
                        continue; // as TorchSharp's step: a parameter without a gradient is left as it is
                    }

                    Update update;
                    try
                    {
                        update = new Update(p, grad, (State)_state[p.Handle], options);
                    }
                    catch
                    {
                        grad.Dispose();
                        throw;
                    }

                    work.Add(update);
                    if (!update.CanFuse)
                    {
                        return false;
                    }
                }
            }

            Run(work);
            return true;
        }
        finally
        {
            foreach (Update u in work)
            {
                u.Grad.Dispose();
            }
        }
    }

    private static void Run(List<Update> work)
    {
        long total = 0;
        foreach (Update u in work)
        {
            u.State.step += 1;
            total += u.Count;
        }

        int threads = total < ParallelThreshold ? 1 : Math.Max(1, get_num_threads());
        InPieces(work, threads, (u, start, count) => u.Moments(start, count));
        foreach (Update u in work)
        {
            using Tensor root = u.State.exp_avg_sq.sqrt();
            IntPtr roots = Pointer(root, u.Count);
            InPieces(new[] { u }, u.Count < ParallelThreshold ? 1 : threads, (u, start, count) => u.Step(roots, start, count));
        }
    }

    /// <summary>Runs <paramref name="body"/> over every update's elements, in pieces of <see cref="Chunk"/> on up to <paramref name="threads"/> threads.</summary>
    private static void InPieces(IReadOnlyList<Update> work, int threads, Action<Update, int, int> body)
    {
        if (threads == 1)
        {
            foreach (Update u in work)
            {
                body(u, 0, u.Count);
            }

            return;
        }

        var pieces = new List<(Update Update, int Start, int Count)>();
        foreach (Update u in work)
        {
            for (int start = 0; start < u.Count; start += Chunk)
            {
                pieces.Add((u, start, Math.Min(Chunk, u.Count - start)));
            }
        }

        Parallel.For(0, pieces.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => body(pieces[i].Update, pieces[i].Start, pieces[i].Count));
    }

    /// <summary>One parameter's update: its memory, its gradient's and its moments', and the step's coefficients.</summary>
    private sealed class Update
    {
        private readonly IntPtr _param;
        private readonly IntPtr _grad;
        private readonly IntPtr _mean;
        private readonly IntPtr _square;
        private readonly Coefficients _c;

        public Update(Parameter p, Tensor grad, State state, Options options)
        {
            Grad = grad;
            State = state;
            long count = p.numel();
            CanFuse = p.device_type == DeviceType.CPU && count <= int.MaxValue
                && Dense(p, count) && Dense(grad, count) && Dense(state.exp_avg, count) && Dense(state.exp_avg_sq, count);
            if (!CanFuse)
            {
                return;
            }

            Count = (int)count;
            _param = Pointer(p, count);
            _grad = Pointer(grad, count);
            _mean = Pointer(state.exp_avg, count);
            _square = Pointer(state.exp_avg_sq, count);
            _c = new Coefficients(options, state.step + 1);
        }

        public Tensor Grad { get; }

        public State State { get; }

        public bool CanFuse { get; }

        public int Count { get; }

        public unsafe void Moments(int start, int count) =>
            Kernel.Moments((float*)_param + start, (float*)_grad + start, (float*)_mean + start, (float*)_square + start, count, _c);

        public unsafe void Step(IntPtr root, int start, int count) =>
            Kernel.Step((float*)_param + start, (float*)_mean + start, (float*)root + start, count, _c);

        /// <summary>A contiguous float32 tensor of <paramref name="count"/> elements on the CPU.</summary>
        private static bool Dense(Tensor t, long count) =>
            t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU && t.numel() == count && t.is_contiguous();
    }

    /// <summary>The address of a dense float32 tensor of <paramref name="count"/> elements.</summary>
    private static unsafe IntPtr Pointer(Tensor t, long count) => (IntPtr)TensorMemory.Start(t, count * sizeof(float));

    /// <summary>The step's scalars, as libtorch receives them (doubles converted to float by each operation).</summary>
    internal readonly struct Coefficients
    {
        public Coefficients(Options options, long step)
        {
            double beta1 = options.beta1!.Value;
            double beta2 = options.beta2!.Value;
            WeightDecay = (float)options.weight_decay!.Value;
            Beta1 = (float)beta1;
            OneMinusBeta1 = (float)(1 - beta1);
            Beta2 = (float)beta2;
            OneMinusBeta2 = (float)(1 - beta2);
            BiasCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(beta2, step));
            Eps = (float)options.eps!.Value;
            NegativeStepSize = (float)-(options.LearningRate!.Value / (1 - Math.Pow(beta1, step)));
        }

        public float WeightDecay { get; }

        public float Beta1 { get; }

        public float OneMinusBeta1 { get; }

        public float Beta2 { get; }

        public float OneMinusBeta2 { get; }

        public float BiasCorrection2Sqrt { get; }

        public float Eps { get; }

        public float NegativeStepSize { get; }
    }

    /// <summary>
    /// The update, in two passes around libtorch's square root (whose kernel is not correctly rounded, so a square root
    /// here would differ from it in the last bit): <see cref="Moments"/>, then <see cref="Step"/>. The operations and their
    /// rounding are libtorch's: g += wd p and m = m b1 + (1 - b1) g as fused multiply-adds, v = v b2 + ((1 - b2) g) g with the
    /// last addition fused, d = sqrt(v) / sqrt(bc2) + eps, p += ((-lr / bc1) m) / d.
    /// </summary>
    internal static class Kernel
    {
        /// <summary>The moments' update from the gradient (with weight decay): m and v in place.</summary>
        public static unsafe void Moments(float* p, float* g, float* m, float* v, int count, in Coefficients c)
        {
            int i = 0;
            bool decay = c.WeightDecay != 0;
            if (Fma.IsSupported)
            {
                Vector256<float> wd = Vector256.Create(c.WeightDecay), b1 = Vector256.Create(c.Beta1), c1 = Vector256.Create(c.OneMinusBeta1);
                Vector256<float> b2 = Vector256.Create(c.Beta2), c2 = Vector256.Create(c.OneMinusBeta2);
                for (; i <= count - 8; i += 8)
                {
                    Vector256<float> gi = Avx.LoadVector256(g + i);
                    if (decay)
                    {
                        gi = Fma.MultiplyAdd(Avx.LoadVector256(p + i), wd, gi);
                    }

                    Avx.Store(m + i, Fma.MultiplyAdd(gi, c1, Avx.Multiply(Avx.LoadVector256(m + i), b1)));
                    Avx.Store(v + i, Fma.MultiplyAdd(Avx.Multiply(c2, gi), gi, Avx.Multiply(Avx.LoadVector256(v + i), b2)));
                }
            }

            for (; i < count; i++)
            {
                float gi = decay ? MathF.FusedMultiplyAdd(p[i], c.WeightDecay, g[i]) : g[i];
                m[i] = MathF.FusedMultiplyAdd(gi, c.OneMinusBeta1, m[i] * c.Beta1);
                v[i] = MathF.FusedMultiplyAdd(c.OneMinusBeta2 * gi, gi, v[i] * c.Beta2);
            }
        }

        /// <summary>The parameter's step from the first moment and the square root of the second, <paramref name="root"/>.</summary>
        public static unsafe void Step(float* p, float* m, float* root, int count, in Coefficients c)
        {
            int i = 0;
            if (Avx.IsSupported)
            {
                Vector256<float> bc2 = Vector256.Create(c.BiasCorrection2Sqrt), eps = Vector256.Create(c.Eps), step = Vector256.Create(c.NegativeStepSize);
                for (; i <= count - 8; i += 8)
                {
                    Vector256<float> d = Avx.Add(Avx.Divide(Avx.LoadVector256(root + i), bc2), eps);
                    Avx.Store(p + i, Avx.Add(Avx.LoadVector256(p + i), Avx.Divide(Avx.Multiply(step, Avx.LoadVector256(m + i)), d)));
                }
            }

            for (; i < count; i++)
            {
                float d = (root[i] / c.BiasCorrection2Sqrt) + c.Eps;
                p[i] += c.NegativeStepSize * m[i] / d;
            }
        }
    }
}
