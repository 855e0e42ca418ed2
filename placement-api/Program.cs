return await Placement.Api.Cli.CommandLine.RunAsync(args);
