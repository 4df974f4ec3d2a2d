// Filter a list of units by what is typed (name or code); without JavaScript the whole list
// is simply shown.
document.querySelectorAll("input[data-filters]").forEach((input) => {
  const list = document.querySelector(input.dataset.filters);
  if (!list) return;
  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLowerCase();
    list.querySelectorAll("li").forEach((item) => {
      item.hidden = wanted !== "" && !item.textContent.toLowerCase().includes(wanted);
    });
  });
});
