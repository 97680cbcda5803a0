using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Onnx;

/// <summary>Builds an ONNX graph node by node, with weights as initializers (opset 13).</summary>
internal sealed class OnnxGraphBuilder
{
    private const int Float = 1;
    private const int Int64 = 7;
    private readonly GraphProto _graph = new() { Name = "ffr" };
    private int _next;

    public string Input(string name, int elementType, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, elementType, dims));
        return name;
    }

    public void Output(string name, int elementType, params object[] dims) => _graph.Output.Add(ValueInfo(name, elementType, dims));

    public string Constant(float[] values, params long[] dims)
    {
        string name = Fresh("const");
        var tensor = new TensorProto { Name = name, DataType = Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    public string Constant(long[] values, params long[] dims)
    {
        string name = Fresh("const");
        var tensor = new TensorProto { Name = name, DataType = Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        output ??= Fresh(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = Fresh("n_" + opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>
    /// Convolution with the batch norm folded in: W' = W * g / sqrt(v + eps), b' = (b - m) * g / sqrt(v + eps) + beta.
    /// <paramref name="pads"/> (top, left, bottom, right) replaces the convolution's own symmetric padding.
    /// </summary>
    public string ConvBatchNorm(string input, Conv2d conv, BatchNorm2d? bn, long[]? pads = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight = conv.weight!.detach().cpu().to(ScalarType.Float64);
        long outChannels = weight.shape[0];
        Tensor bias = conv.bias is null ? zeros(outChannels, ScalarType.Float64) : conv.bias.detach().cpu().to(ScalarType.Float64);
        if (bn is not null)
        {
            Tensor scale = bn.weight!.detach().cpu().to(ScalarType.Float64) / (bn.running_var!.cpu().to(ScalarType.Float64) + bn.eps).sqrt();
            weight = weight * scale.reshape(-1, 1, 1, 1);
            bias = (bias - bn.running_mean!.cpu().to(ScalarType.Float64)) * scale + bn.bias!.detach().cpu().to(ScalarType.Float64);
        }

        string w = Constant(weight.to(ScalarType.Float32).data<float>().ToArray(), weight.shape);
        string b = Constant(bias.to(ScalarType.Float32).data<float>().ToArray(), outChannels);
        long[] padding = conv.padding ?? new long[] { 0, 0 };
        pads ??= new[] { padding[0], padding[1], padding[0], padding[1] };
        return Node("Conv", new[] { input, w, b }, null,
            Ints("kernel_shape", conv.kernel_size),
            Ints("strides", conv.stride),
            Ints("pads", pads),
            Ints("dilations", conv.dilation),
            Int("group", conv.groups));
    }

    public string Relu(string input) => Node("Relu", new[] { input });

    public string Linear(string input, Linear linear)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight = linear.weight!.detach().cpu();
        string w = Constant(weight.data<float>().ToArray(), weight.shape);
        string b = Constant(linear.bias!.detach().cpu().data<float>().ToArray(), weight.shape[0]);
        return Node("Gemm", new[] { input, w, b }, null, Int("transB", 1));
    }

    public ModelProto Build(string producer)
    {
        var model = new ModelProto { IrVersion = 8, Graph = _graph, ProducerName = producer, ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }

    public byte[] ToBytes(string producer) => Build(producer).ToByteArray();

    private string Fresh(string prefix) => $"{prefix}_{_next++}";

    private static ValueInfoProto ValueInfo(string name, int elementType, object[] dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elementType, Shape = new TensorShapeProto() };
        foreach (object dim in dims)
        {
            tensor.Shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
