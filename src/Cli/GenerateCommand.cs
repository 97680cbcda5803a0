using System.Globalization;
using Ffr.MLNet.Generation;

namespace Ffr.MLNet.Cli;

/// <summary>ffr generate: makes a plan's images with text-to-image servers, resumably, and writes the pool's manifest and a summary.</summary>
internal sealed class GenerateCommand : Command
{
    private static readonly ImageGeneratorOptions Defaults = new();

    public override string Name => "generate";

    public override string Summary => "Make a plan's images with AUTOMATIC1111, ComfyUI or OpenAI-API servers (resumable, several servers share the work).";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("plan", "The generation-plan.jsonl written by 'ffr plan'.", Required: true),
        new OptionSpec("out", "Folder for the images (<label>/<attribute>/...), generation-log.jsonl, manifest.csv and generation-summary.json.", Required: true),
        new OptionSpec("endpoint", "A server's root URL; repeat it (or give several) to share the work.", Required: true, Many: true),
        new OptionSpec("api", $"{string.Join(", ", TextToImageApis.ByName.Keys)}.", Default: Defaults.Api.Name()),
        new OptionSpec("workflow", "ComfyUI: an API-format workflow with {{prompt}}, {{seed}}, {{width}}, {{height}} (and {{negative_prompt}}, {{steps}}, {{cfg_scale}}, {{sampler}})."),
        new OptionSpec("api-key-variable", "OpenAI: the environment variable holding the API key (the key itself is never an option).", Default: DefaultApiKeyVariable),
        new OptionSpec("model", "OpenAI: the model field (for example dall-e-2); the server's default when absent."),
        new OptionSpec("send-seed", "OpenAI: also send the plan's seed (local servers honour it; OpenAI's service has no seed).", IsFlag: true),
        new OptionSpec("negative-prompt", "Negative prompt for every image (not sent to OpenAI-API servers).", Default: "\"\""),
        new OptionSpec("steps", "Sampling steps.", Default: Invariant(Defaults.Steps)),
        new OptionSpec("cfg-scale", "Guidance scale.", Default: Invariant(Defaults.CfgScale)),
        new OptionSpec("width", "Image width; answers of another size are asked again.", Default: Invariant(Defaults.Width)),
        new OptionSpec("height", "Image height.", Default: Invariant(Defaults.Height)),
        new OptionSpec("sampler", "Sampler name as the server spells it.", Default: Defaults.Sampler),
        new OptionSpec("concurrency", "Images asked of each endpoint at once.", Default: Invariant(Defaults.ConcurrencyPerEndpoint)),
        new OptionSpec("timeout", "Seconds one request may take before it is retried.", Default: Invariant(Defaults.Timeout.TotalSeconds)),
        new OptionSpec("retries", "Retries of a request after a timeout, connection error, 429 or 5xx.", Default: Invariant(Defaults.MaxRetries)),
        new OptionSpec("max-images", "Generate only the plan's first N images (to try a server)."),
    };

    private const string DefaultApiKeyVariable = "OPENAI_API_KEY";

    public override bool StopsAfterStep => true;

    public override int Run(Arguments args, CliContext context)
    {
        string outDir = args.Required("out");
        string planPath = Inputs.File(args, "plan", "Plan", "Write a plan with 'ffr plan --manifest M --strategy ffr --out DIR' (it writes DIR/generation-plan.jsonl).");
        Outputs.Writable("out", outDir, folder: true);

        ImageGeneratorOptions options = Parse(args);
        GenerationPlan plan = GenerationPlan.Load(planPath);
        var progress = new GenerationProgressPrinter(context);
        options.Progress = progress;
        ImageGenerator generator;
        try
        {
            generator = new ImageGenerator(options);
        }
        catch (ArgumentException ex)
        {
            throw new UserErrorException(ex.Message);
        }

        GenerationSummary summary;
        try
        {
            summary = generator.Generate(plan, outDir, context.Cancellation);
        }
        catch (IOException ex)
        {
            progress.End();
            context.Error.WriteLine($"ffr generate: {ex.Message} Images written so far are kept; run the same command again to resume.");
            return CliApp.Failure;
        }

        progress.End();
        context.Out.WriteLine(summary.ToTable());
        context.Out.WriteLine();
        string root = Path.GetFullPath(outDir);
        context.Out.WriteLine($"Wrote {Path.Combine(root, GenerationSummary.FileName)}{(summary.ManifestPath is null ? string.Empty : $" and {summary.ManifestPath}")}; the log is {Path.Combine(root, GenerationLog.FileName)}.");
        if (summary.Stopped)
        {
            context.Error.WriteLine($"ffr generate: stopped after the images in flight; {summary.NotStarted} not started. Run the same command again to resume (finished images are skipped).");
            return CliApp.Cancelled;
        }

        if (summary.Endpoints.All(e => e.State == EndpointState.Rejected))
        {
            throw new UserErrorException(string.Join(Environment.NewLine, summary.Endpoints.Select(e => e.Reason)));
        }

        if (summary.Failed > 0)
        {
            context.Error.WriteLine($"ffr generate: {summary.Failed} image(s) failed (see above and {GenerationLog.FileName}). Run the same command again to try them (finished images are skipped).");
            return CliApp.Failure;
        }

        if (summary.Missing > 0 && summary.Selected == summary.Planned)
        {
            context.Out.WriteLine($"The pool is {summary.Missing} image(s) short of the plan (left out of the manifest, see above); 'ffr train' reports the same shortfall.");
        }

        return 0;
    }

    private static ImageGeneratorOptions Parse(Arguments args)
    {
        var options = new ImageGeneratorOptions
        {
            Api = args.Enum("api", Defaults.Api, TextToImageApis.ByName),
            NegativePrompt = args.Value("negative-prompt") ?? Defaults.NegativePrompt,
            Steps = Positive(args, "steps", Defaults.Steps),
            CfgScale = args.Double("cfg-scale", Defaults.CfgScale, 0, 100, exclusive: true),
            Width = args.Int("width", Defaults.Width, 1, ImageGeneratorOptions.MaxImageSide),
            Height = args.Int("height", Defaults.Height, 1, ImageGeneratorOptions.MaxImageSide),
            Sampler = args.Value("sampler") ?? Defaults.Sampler,
            ConcurrencyPerEndpoint = args.Int("concurrency", Defaults.ConcurrencyPerEndpoint, 1, ImageGeneratorOptions.MaxConcurrencyPerEndpoint),
            Timeout = TimeSpan.FromSeconds(args.Double("timeout", Defaults.Timeout.TotalSeconds, ImageGeneratorOptions.MinTimeoutSeconds, ImageGeneratorOptions.MaxTimeoutSeconds)),
            MaxRetries = args.Int("retries", Defaults.MaxRetries, 0, 100),
            MaxImages = args.Value("max-images") is null ? null : Positive(args, "max-images", 0),
            Model = args.Value("model"),
            SendSeedToOpenAi = args.Flag("send-seed"),
        };
        foreach (string endpoint in args.Values("endpoint"))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UserErrorException($"--endpoint '{endpoint}' is not an http or https URL; give a server's root, such as http://127.0.0.1:7860 (AUTOMATIC1111), http://127.0.0.1:8188 (ComfyUI) or https://api.openai.com.");
            }

            options.Endpoints.Add(uri);
        }

        string? workflow = args.Value("workflow");
        if (options.Api == TextToImageApi.ComfyUi)
        {
            options.Workflow = workflow is null
                ? throw new UserErrorException("--api comfyui needs --workflow FILE: a workflow saved with ComfyUI's 'Save (API Format)', with the placeholders {{prompt}}, {{seed}}, {{width}} and {{height}} where those values go.")
                : ComfyWorkflow.Load(Inputs.Require(workflow, "Workflow", "Pass a ComfyUI workflow saved with 'Save (API Format)'."));
        }
        else if (workflow is not null)
        {
            throw new UserErrorException($"--workflow is for --api comfyui; the {options.Api.Name()} API takes none.");
        }

        if (options.Api == TextToImageApi.OpenAi)
        {
            string variable = args.Value("api-key-variable") ?? DefaultApiKeyVariable;
            options.ApiKey = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } key
                ? key
                : throw new UserErrorException($"The environment variable {variable} holds no API key; set it (export {variable}=...), or name another variable with --api-key-variable. The key is never taken from the command line.");
        }

        return options;
    }

    private static int Positive(Arguments args, string name, int fallback) => args.Int(name, fallback, 1, int.MaxValue);

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
