using System.CommandLine;
using Ffr.MLNet.Generation;

namespace Ffr.MLNet.Cli;

/// <summary>ffr generate: makes a plan's images with text-to-image servers, resumably, and writes the pool's manifest and a summary.</summary>
internal sealed class GenerateCommand : CliCommand
{
    private static readonly ImageGeneratorOptions Defaults = new();

    private readonly CliOption<string> _plan = CliOptions.Required("--plan", "The generation-plan.jsonl written by 'ffr plan'.");
    private readonly CliOption<string> _out = CliOptions.Required("--out", "Folder for the images (<label>/<attribute>/...), generation-log.jsonl, manifest.csv and generation-summary.json.", "-o");
    private readonly CliOption<string[]> _endpoints = CliOptions.Many("--endpoint", "A server's root URL; repeat it (or give several) to share the work.", required: true);
    private readonly CliOption<TextToImageApi> _api = CliOptions.Choice("--api", $"{string.Join(", ", TextToImageApis.ByName.Keys)}.", TextToImageApis.ByName, Defaults.Api);
    private readonly CliOption<string?> _workflow = CliOptions.Text("--workflow",
        "ComfyUI: an API-format workflow with {{prompt}}, {{seed}}, {{width}}, {{height}} (and {{negative_prompt}}, {{steps}}, {{cfg_scale}}, {{sampler}}).");
    private readonly CliOption<string> _apiKeyVariable = CliOptions.Text("--api-key-variable", "OpenAI: the environment variable holding the API key (the key itself is never an option).", "OPENAI_API_KEY");
    private readonly CliOption<string?> _model = CliOptions.Text("--model", "OpenAI: the model field (for example dall-e-2); the server's default when absent.");
    private readonly CliOption<bool> _sendSeed = CliOptions.Flag("--send-seed", "OpenAI: also send the plan's seed (local servers honour it; OpenAI's service has no seed).");
    private readonly CliOption<string> _negativePrompt = new("--negative-prompt", "Negative prompt for every image (not sent to OpenAI-API servers).", Array.Empty<string>())
    {
        Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => Defaults.NegativePrompt, DefaultText = $"\"{Defaults.NegativePrompt}\"",
    };
    private readonly CliOption<int> _steps = CliOptions.Int("--steps", "Sampling steps.", Defaults.Steps, 1);
    private readonly CliOption<double> _cfgScale = CliOptions.Number("--cfg-scale", "Guidance scale.", Defaults.CfgScale, 0, 100, exclusive: true);
    private readonly CliOption<int> _width = CliOptions.Int("--width", "Image width; answers of another size are asked again.", Defaults.Width, 1, ImageGeneratorOptions.MaxImageSide);
    private readonly CliOption<int> _height = CliOptions.Int("--height", "Image height.", Defaults.Height, 1, ImageGeneratorOptions.MaxImageSide);
    private readonly CliOption<string> _sampler = CliOptions.Text("--sampler", "Sampler name as the server spells it.", Defaults.Sampler);
    private readonly CliOption<int> _concurrency = CliOptions.Int("--concurrency", "Images asked of each endpoint at once.", Defaults.ConcurrencyPerEndpoint, 1, ImageGeneratorOptions.MaxConcurrencyPerEndpoint);
    private readonly CliOption<double> _timeout = CliOptions.Number("--timeout", "Seconds one request may take before it is retried.",
        Defaults.Timeout.TotalSeconds, ImageGeneratorOptions.MinTimeoutSeconds, ImageGeneratorOptions.MaxTimeoutSeconds, exclusive: false);
    private readonly CliOption<int> _retries = CliOptions.Int("--retries", "Retries of a request after a timeout, connection error, 429 or 5xx.", Defaults.MaxRetries, 0, 100);
    private readonly CliOption<int?> _maxImages = CliOptions.OptionalInt("--max-images", "Generate only the plan's first N images (to try a server).", 1, int.MaxValue);

    public GenerateCommand()
        : base("generate", "Make a plan's images with AUTOMATIC1111, ComfyUI or OpenAI-API servers (resumable, several servers share the work).")
    {
        Add(new Option[]
        {
            _plan, _out, _endpoints, _api, _workflow, _apiKeyVariable, _model, _sendSeed, _negativePrompt, _steps, _cfgScale, _width, _height, _sampler, _concurrency, _timeout, _retries, _maxImages,
        });
    }

    public override bool StopsAfterStep => true;

    public override int Run(ParseResult args, CliContext context)
    {
        string outDir = args.Value(_out);
        string planPath = Inputs.File(args, _plan, "Plan", "Write a plan with 'ffr plan --manifest M --strategy ffr --out DIR' (it writes DIR/generation-plan.jsonl).");
        Outputs.Writable(_out, outDir, folder: true);

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

    private ImageGeneratorOptions Parse(ParseResult args)
    {
        var options = new ImageGeneratorOptions
        {
            Api = args.GetValue(_api),
            NegativePrompt = args.Value(_negativePrompt),
            Steps = args.GetValue(_steps),
            CfgScale = args.GetValue(_cfgScale),
            Width = args.GetValue(_width),
            Height = args.GetValue(_height),
            Sampler = args.Value(_sampler),
            ConcurrencyPerEndpoint = args.GetValue(_concurrency),
            Timeout = TimeSpan.FromSeconds(args.GetValue(_timeout)),
            MaxRetries = args.GetValue(_retries),
            MaxImages = args.GetValue(_maxImages),
            Model = args.GetValue(_model),
            SendSeedToOpenAi = args.GetValue(_sendSeed),
        };
        foreach (string endpoint in args.Value(_endpoints))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UserErrorException($"--endpoint '{endpoint}' is not an http or https URL; give a server's root, such as http://127.0.0.1:7860 (AUTOMATIC1111), http://127.0.0.1:8188 (ComfyUI) or https://api.openai.com.");
            }

            options.Endpoints.Add(uri);
        }

        string? workflow = args.GetValue(_workflow);
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
            string variable = args.Value(_apiKeyVariable);
            options.ApiKey = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } key
                ? key
                : throw new UserErrorException($"The environment variable {variable} holds no API key; set it (export {variable}=...), or name another variable with --api-key-variable. The key is never taken from the command line.");
        }

        return options;
    }
}
