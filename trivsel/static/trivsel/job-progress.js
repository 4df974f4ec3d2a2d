// While a job runs, reload the page every two seconds so its progress shows.
// Without JavaScript the page has a Refresh link instead.
(function () {
  var status = document.getElementById("job-status");
  if (!status || status.dataset.running.indexOf("1") === -1) return;
  setTimeout(function () { window.location.reload(); }, 2000);
})();
