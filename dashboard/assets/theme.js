// Runs in <head> before the first paint (a classic script, not a module): sets the day/night
// theme so a night-duty screen never flashes white. The remembered choice wins; with none,
// the system's prefers-color-scheme decides, and a change of it is followed while the page is
// open. The stylesheet then needs only one night palette, keyed on data-theme.
(function () {
  var root = document.documentElement;
  var system = window.matchMedia('(prefers-color-scheme: dark)');
  function saved() {
    try { var value = localStorage.getItem('gridwatch.theme'); return value === 'dark' || value === 'light' ? value : null; }
    catch (e) { return null; /* storage blocked: follow the system */ }
  }
  root.dataset.theme = saved() || (system.matches ? 'dark' : 'light');
  system.addEventListener('change', function () { if (!saved()) root.dataset.theme = system.matches ? 'dark' : 'light'; });
})();
