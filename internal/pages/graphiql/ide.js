// Starts GraphiQL on the element #graphiql; its data attributes give the
// endpoint and the query to open with.
(function () {
  "use strict";
  var el = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: new URL(el.dataset.endpoint, location.href).href });
  ReactDOM.createRoot(el).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: el.dataset.query,
      defaultEditorToolsVisibility: true,
    })
  );
})();
