using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Placement.Operator.Tests.FakeApi;

/// <summary>
/// An in-process Kubernetes API server (Kestrel on a random loopback port) speaking enough of the REST protocol for
/// the real KubernetesClient: get, list, watch (with bookmarks and expiry), create, replace, merge and apply patches,
/// delete, and the status subresource; PlacementServices are held to the committed CRD (CustomResourceContract).
/// Tests drive the cluster's own controllers (Job and Deployment status) through it.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string Query, string UserAgent, bool Watch)
    {
        /// <summary>The response's status code, once answered (a watch's when it ends).</summary>
        public int? StatusCode { get; set; }
    }

    private readonly WebApplication app;
    private readonly ConcurrentQueue<(string Method, string Plural, bool Status, HttpStatusCode Code)> injectedFailures = new();
    private readonly ConcurrentDictionary<string, string> deniedWrites = new();

    private FakeApiServer(WebApplication app, FakeStore store)
    {
        this.app = app;
        Store = store;
    }

    public FakeStore Store { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string Url => app.Urls.First();

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // The committed CRD, as a cluster it is installed in would enforce it.
        var placementServices = await CustomResourceContract.LoadAsync(RepositoryFiles.Read("crds", "placementservices.yaml"));
        var server = new FakeApiServer(app, new FakeStore(placementServices));
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public Kubernetes Client(string userAgent = "tests") =>
        new(new KubernetesClientConfiguration { Host = Url, UserAgent = userAgent });

    /// <summary>Makes the next matching request fail with the given status, as a busy or racing server would.</summary>
    public void FailNext(string method, string plural, bool status, HttpStatusCode code) =>
        injectedFailures.Enqueue((method, plural, status, code));

    /// <summary>
    /// Refuses every write of one kind with this message, as a validating admission webhook does, until
    /// <see cref="AdmitWrites"/>. kube-apiserver prefixes the webhook's message and keeps its code, 400 when it gave
    /// none (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go, ToStatusErr); ingress-nginx
    /// gives none, so `kubectl apply` prints "Error from server (BadRequest)".
    /// </summary>
    public void DenyWrites(string plural, string webhook, string reason) =>
        deniedWrites[plural] = $"admission webhook \"{webhook}\" denied the request: {reason}";

    public void AdmitWrites(string plural) => deniedWrites.TryRemove(plural, out _);

    public async ValueTask DisposeAsync()
    {
        Store.CloseWatches();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var watch = request.Query["watch"] is ["true" or "1"];
        var logged = new Request(request.Method, request.Path, request.QueryString.Value ?? "", request.Headers.UserAgent.ToString(), watch);
        Requests.Enqueue(logged);
        try
        {
            var route = Route.Parse(request.Path.Value ?? "")
                ?? throw new ApiException(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource {request.Path}");
            if (injectedFailures.TryPeek(out var failure) && failure.Method == request.Method && failure.Plural == route.Kind.Plural
                && failure.Status == route.Status && injectedFailures.TryDequeue(out _))
            {
                throw new ApiException(failure.Code, failure.Code.ToString(), $"injected failure {failure.Code}");
            }
            if (request.Method is "POST" or "PUT" or "PATCH" && deniedWrites.TryGetValue(route.Kind.Plural, out var denial))
            {
                throw new ApiException(HttpStatusCode.BadRequest, "BadRequest", denial);
            }
            if (watch)
            {
                await WatchAsync(context, route);
                return;
            }
            var (code, result) = await DispatchAsync(context, route);
            await WriteAsync(context, code, result);
        }
        catch (ApiException e)
        {
            await WriteAsync(context, e.Code, Status(e.Code, e.Reason, e.Message, e.Details));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            await WriteAsync(context, HttpStatusCode.InternalServerError, Status(HttpStatusCode.InternalServerError, "InternalError", e.ToString()));
        }
        finally
        {
            logged.StatusCode = context.Response.StatusCode;
        }
    }

    /// <summary>The answer to a request other than a watch: 201 Created for what it creates, as kube-apiserver does.</summary>
    private async Task<(HttpStatusCode, JsonObject)> DispatchAsync(HttpContext context, Route route)
    {
        var request = context.Request;
        var ns = route.Namespace ?? "";
        switch (request.Method)
        {
            case "GET" when route.Name is null:
                var (items, revision) = Store.List(route.Kind, route.Namespace, Selector(request));
                return (HttpStatusCode.OK, new JsonObject
                {
                    ["kind"] = route.Kind.Kind + "List",
                    ["apiVersion"] = route.Kind.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString() },
                    ["items"] = new JsonArray([.. items]),
                });
            case "GET":
                return (HttpStatusCode.OK, Store.Get(route.Kind, ns, route.Name)
                    ?? throw new ApiException(HttpStatusCode.NotFound, "NotFound", $"{route.Kind.Plural} \"{route.Name}\" not found"));
            case "POST" when route.Name is null:
                return (HttpStatusCode.Created, Store.Create(route.Kind, ns, await BodyAsync(request)));
            case "PUT" when route.Name is not null:
                return (HttpStatusCode.OK, Store.Replace(route.Kind, ns, route.Name, await BodyAsync(request), route.Status));
            case "PATCH" when route.Name is not null:
                var body = await BodyAsync(request);
                var contentType = request.ContentType?.Split(';')[0];
                switch (contentType)
                {
                    case "application/apply-patch+yaml":
                        var (applied, created) = Store.Apply(route.Kind, ns, route.Name, body,
                            request.Query["fieldManager"].ToString() is { Length: > 0 } manager ? manager
                                : throw new ApiException(HttpStatusCode.BadRequest, "BadRequest", "fieldManager is required for apply patch"),
                            route.Status);
                        return (created ? HttpStatusCode.Created : HttpStatusCode.OK, applied);
                    // The operator does not send strategic merge patches; the tests' few ones are plain merges.
                    case "application/merge-patch+json" or "application/strategic-merge-patch+json":
                        return (HttpStatusCode.OK, Store.MergePatch(route.Kind, ns, route.Name, body, route.Status));
                    default:
                        throw new ApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the fake does not support {contentType}");
                }
            case "DELETE" when route.Name is not null:
                return (HttpStatusCode.OK, Store.Delete(route.Kind, ns, route.Name));
            default:
                throw new ApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.Method} is not supported on {request.Path}");
        }
    }

    private async Task WatchAsync(HttpContext context, Route route)
    {
        var query = context.Request.Query;
        long? from = query["resourceVersion"].ToString() is { Length: > 0 } v && v != "0" ? long.Parse(v) : null;
        var subscription = Store.Watch(route.Kind, route.Namespace, Selector(context.Request), from, query["allowWatchBookmarks"] is ["true"]);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (subscription is null)
        {
            var gone = Status(HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({Store.Revision})");
            await context.Response.WriteAsync(FakeStore.EventLine("ERROR", gone));
            return;
        }
        await context.Response.Body.FlushAsync();
        var timeout = query["timeoutSeconds"].ToString() is { Length: > 0 } t ? TimeSpan.FromSeconds(int.Parse(t)) : TimeSpan.FromMinutes(30);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        stop.CancelAfter(timeout);
        try
        {
            await foreach (var line in subscription.Lines.Reader.ReadAllAsync(stop.Token))
            {
                await context.Response.WriteAsync(line, stop.Token);
                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Client gone or the watch's timeout: the server ends the stream.
        }
        finally
        {
            Store.Unsubscribe(subscription);
        }
    }

    private static async Task<JsonObject> BodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject
                ?? throw new ApiException(HttpStatusCode.BadRequest, "BadRequest", "the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ApiException(HttpStatusCode.BadRequest, "BadRequest", $"body is not JSON: {e.Message}");
        }
    }

    private static Dictionary<string, string> Selector(HttpRequest request) =>
        request.Query["labelSelector"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(term => term.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static JsonObject Status(HttpStatusCode code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = (int)code,
        };
        if (details is not null)
        {
            status["details"] = details;
        }
        return status;
    }

    private static async Task WriteAsync(HttpContext context, HttpStatusCode code, JsonObject body)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>/api/v1/... and /apis/{group}/{version}/..., namespaced or across namespaces, with an optional /status.</summary>
    public sealed record Route(ResourceKind Kind, string? Namespace, string? Name, bool Status)
    {
        public static Route? Parse(string path)
        {
            var segments = path.Trim('/').Split('/');
            var (group, version, rest) = segments switch
            {
                ["api", var v, .. var r] => ("", v, r),
                ["apis", var g, var v, .. var r] => (g, v, r),
                _ => (null, null, Array.Empty<string>()),
            };
            if (group is null)
            {
                return null;
            }
            string? ns = null;
            if (rest is ["namespaces", var n, _, ..])
            {
                ns = n;
                rest = rest[2..];
            }
            return rest switch
            {
                [var plural] => Make(plural, null, false),
                [var plural, var name] => Make(plural, name, false),
                [var plural, var name, "status"] => Make(plural, name, true),
                _ => null,
            };

            Route? Make(string plural, string? name, bool status) =>
                ResourceKind.Find(group, version!, plural) is { } kind ? new Route(kind, ns, name, status) : null;
        }
    }
}
